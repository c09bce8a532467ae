using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using NodaTime;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Referrals;

/// <summary>What a referral's reward and claw-back do to a member's points, and how members get their codes.</summary>
public class ReferralPointsTests
{
    private static readonly Guid Referrer = MemberId;
    private static readonly Guid Newcomer = new("bbbbbbbb-0000-0000-0000-000000000002");

    private static Referral Rewarded(int referrerPoints = 500, bool qualifying = false)
    {
        var terms = new ReferralTerms(
            4,
            new(500, qualifying),
            new(250, false),
            ReferralRules.FirstPurchase,
            null,
            "claw-back",
            14
        );
        var id = Referral.StreamIdFor(Newcomer);
        return new Referral(id, Referrer, Newcomer, terms, Referral.Rewarded, Now, [], ReferrerPoints: referrerPoints);
    }

    private static ReferralRewarded RewardedEvent(int referrerPoints = 500) =>
        new(Referral.StreamIdFor(Newcomer), referrerPoints, 250, null, Now);

    private static IReadOnlyList<IMemberEvent> Following(IReferralEvent e, History member, Referral? referral = null) =>
        ReferralPoints.Following(e, referral ?? Rewarded(), member.Account, Program, Till);

    [Fact]
    public void the_reward_is_a_credit_with_a_lot_of_its_own_given_once()
    {
        var member = Member();

        var earned = Assert.IsType<ReferralPointsEarned>(Assert.Single(Following(RewardedEvent(), member)));

        Assert.Equal((ReferralRole.Referrer, 500, 0), (earned.Role, earned.Points, earned.DeficitSettled));
        var after = member.Then([earned]).Account;
        Assert.Equal(500, after.AvailableAt(Now));
        Assert.Equal([Now], after.ReferrerRewards);
        Assert.Empty(Following(RewardedEvent(), member));
    }

    [Fact]
    public void a_withheld_share_gives_nothing()
    {
        Assert.Empty(Following(RewardedEvent(referrerPoints: 0), Member(), Rewarded(referrerPoints: 0)));
    }

    [Fact]
    public void a_claw_back_takes_the_rewards_own_lot_then_the_others_and_the_rest_becomes_a_deficit()
    {
        // 500 from the referral and 40 from a purchase; 300 redeemed from the referral's lot (the oldest expiry first
        // is not the point here: the redemption takes what it takes), leaving 240 to take of the 500.
        var member = Member(Earned("T1", Line("1", 1, 40)));
        member.Then(Following(RewardedEvent(), member));
        member.Then(
            member.Account.Lots.Take(300, Now) is { } taken
                ? [new PointsRedeemed(Referrer, "r1", 300, "voucher", "app", Now, Till, Taken: taken)]
                : throw new InvalidOperationException()
        );
        var clawed = new ReferralClawedBack(
            Referral.StreamIdFor(Newcomer),
            "the qualifying purchase was returned",
            Now
        );

        var back = Assert.IsType<ReferralPointsClawedBack>(Assert.Single(Following(clawed, member)));

        Assert.Equal((500, 240, 260), (back.Points, back.TakenFromBalance, back.AddedToDeficit));
        Assert.StartsWith("referral:", back.Taken[0].LotId);
        var after = member.Then([back]).Account;
        Assert.Equal((0L, 260L), (after.AvailableAt(Now), after.Balance.Deficit));
        Assert.Empty(after.ReferrerRewards);
        Assert.Empty(Following(clawed, member));
    }

    [Fact]
    public void a_qualifying_reward_counts_toward_tiers_and_its_claw_back_takes_it_off()
    {
        var member = Member();
        var earned = Assert.IsType<ReferralPointsEarned>(
            Assert.Single(Following(RewardedEvent(), member, Rewarded(qualifying: true)))
        );
        member.Then([earned]);
        var clawed = new ReferralClawedBack(Referral.StreamIdFor(Newcomer), "returned", Now);
        var back = Assert.IsType<ReferralPointsClawedBack>(Assert.Single(Following(clawed, member)));

        Assert.Equal(500, earned.QualifyingActivity!.Points);
        Assert.Equal(new Domain.Tiers.QualifyingActivity(Now, -500, 0, 0), back.Qualifying);
    }

    [Fact]
    public void a_generated_code_is_the_first_candidate_no_one_holds_and_a_member_keeps_theirs()
    {
        var first = ReferralCode.For(Newcomer, 0);

        var assigned = Assert.IsType<ReferralCodeAssigned>(
            Assert.Single(AssignReferralCode.Generated(Newcomer, null, code => code == first, Now, Till))
        );

        Assert.Equal((ReferralCode.For(Newcomer, 1), false), (assigned.Code, assigned.Vanity));
        Assert.Empty(AssignReferralCode.Generated(Newcomer, "HAS2CODE", _ => false, Now, Till));
        Assert.Empty(AssignReferralCode.Generated(Newcomer, null, _ => true, Now, Till));
    }

    [Fact]
    public void a_vanity_code_held_by_another_member_is_refused_and_ones_own_changes_nothing()
    {
        var member = new Domain.Members.Member(
            Referrer,
            "card-1",
            Enrolled().Profile,
            1,
            Now,
            null,
            ReferralCode: "ANNA2026"
        );

        var taken = Assert.Throws<Conflict>(() => AssignReferralCode.Vanity(member, "BEN2026", Newcomer, Now, Till));
        Assert.Equal("code", taken.Field);
        Assert.Empty(AssignReferralCode.Vanity(member, "ANNA2026", Referrer, Now, Till));
        var vanity = Assert.IsType<ReferralCodeAssigned>(
            Assert.Single(AssignReferralCode.Vanity(member, "ANNA", null, Now, Till))
        );
        Assert.True(vanity.Vanity);
        Assert.Equal("ANNA", Domain.Members.Member.Evolve(member, vanity)!.ReferralCode);
        var closed = member with { ClosedAt = Now };
        Assert.Throws<RuleBroken>(() => AssignReferralCode.Vanity(closed, "ANNA", null, Now, Till));
    }
}
