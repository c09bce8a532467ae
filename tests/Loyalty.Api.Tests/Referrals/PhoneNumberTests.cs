using Loyalty.Api.Referrals;

namespace Loyalty.Api.Tests.Referrals;

/// <summary>Phones as the self-referral check compares them.</summary>
public class PhoneNumberTests
{
    [Theory]
    [InlineData("+31 6 1234 5678", "+31612345678")]
    [InlineData("0031 (6) 1234-5678", "+31612345678")]
    [InlineData("+1 (212) 555-0100", "+12125550100")]
    [InlineData("06 1234 5678", "0612345678")]
    [InlineData(" ", null)]
    [InlineData(null, null)]
    public void international_numbers_become_e164_and_national_ones_their_digits(string? given, string? kept)
    {
        Assert.Equal(kept, Referrers.E164(given));
    }
}
