using Loyalty.Domain.Common;
using Loyalty.Domain.Referrals;

namespace Loyalty.Domain.Tests.Referrals;

public class ReferralCodeTests
{
    private static readonly Guid[] Members = Enumerable
        .Range(1, 200)
        .Select(i => new Guid(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8]))
        .ToArray();

    [Fact]
    public void a_code_is_eight_characters_without_ambiguous_ones_and_the_same_for_the_same_member()
    {
        foreach (var member in Members)
        {
            var code = ReferralCode.For(member);
            Assert.Equal(8, code.Length);
            Assert.DoesNotContain(code, c => "01OIL".Contains(c));
            Assert.Equal(code, ReferralCode.For(member));
            Assert.Equal(code, ReferralCode.Parse(code, "referralCode"));
        }
        Assert.Equal(Members.Length, Members.Select(m => ReferralCode.For(m)).Distinct().Count());
    }

    [Fact]
    public void another_attempt_gives_another_code()
    {
        Assert.NotEqual(ReferralCode.For(Members[0]), ReferralCode.For(Members[0], attempt: 1));
        Assert.Equal(ReferralCode.For(Members[0], 1), ReferralCode.Parse(ReferralCode.For(Members[0], 1), "code"));
    }

    [Fact]
    public void case_spaces_and_hyphens_do_not_matter()
    {
        var code = ReferralCode.For(Members[3]);
        var typed = $" {code[..4].ToLowerInvariant()}-{code[4..]} ";

        Assert.Equal(code, ReferralCode.Parse(typed, "referralCode"));
    }

    [Fact]
    public void every_single_mistyped_character_is_refused()
    {
        foreach (var code in Members.Select(m => ReferralCode.For(m)))
            for (var i = 0; i < code.Length; i++)
                foreach (var other in ReferralCode.Alphabet.Where(c => c != code[i]))
                {
                    var typed = code[..i] + other + code[(i + 1)..];
                    var refused = Assert.Throws<RuleBroken>(() => ReferralCode.Parse(typed, "referralCode"));
                    Assert.Equal("referralCode", refused.Field);
                    Assert.Equal("has a mistyped character", refused.Reason);
                }
    }

    [Fact]
    public void every_swap_of_two_different_neighbours_is_refused()
    {
        foreach (var code in Members.Select(m => ReferralCode.For(m)))
            for (var i = 0; i + 1 < code.Length; i++)
            {
                if (code[i] == code[i + 1])
                    continue;
                var typed = code[..i] + code[i + 1] + code[i] + code[(i + 2)..];
                Assert.Throws<RuleBroken>(() => ReferralCode.Parse(typed, "referralCode"));
            }
    }

    [Theory]
    [InlineData("")]
    [InlineData("AB")]
    [InlineData("ANNA 2026!")]
    [InlineData("ABCDEFGHJKMNPQRSTUVWXYZ")]
    public void what_cannot_be_a_code_is_refused(string typed)
    {
        Assert.Throws<InvalidInput>(() => ReferralCode.Parse(typed, "referralCode"));
    }

    [Fact]
    public void a_vanity_code_is_letters_and_digits_not_shaped_like_a_generated_one()
    {
        Assert.Equal("ANNA2026", ReferralCode.Vanity("anna-2026", "code"));
        Assert.Equal("ANNA2026", ReferralCode.Parse("Anna 2026", "referralCode"));
        Assert.Throws<InvalidInput>(() => ReferralCode.Vanity("ANN", "code"));
        Assert.Throws<InvalidInput>(() => ReferralCode.Vanity("anna_2026", "code"));
        Assert.Throws<InvalidInput>(() => ReferralCode.Vanity(ReferralCode.For(Members[0]), "code"));
    }
}
