using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;
using static Loyalty.Domain.Tests.Campaigns.Campaigns;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Campaigns;

public class CampaignAwardsTests
{
    private static readonly CampaignEffect PlusFive = Gives(CampaignEffect.PerPurchase, 5);

    [Fact]
    public void a_multiplier_adds_its_bonus_on_the_matching_lines_and_says_why()
    {
        var coffee = Campaign("summer-coffee", Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG")));

        var decided = Member().Buy(Coffee("t1"), [coffee]);

        var earned = decided.OfType<PointsEarned>().Single();
        var award = decided.Awards().Single();
        Assert.Equal(32, earned.Points); // 24.00 + 8.99, floored: the campaign does not change it
        Assert.Equal(24, award.Points); // ×2 adds the coffee's 24 once more
        Assert.Equal([new CampaignLine("1", 24)], award.Lines);
        Assert.Equal("summer-coffee v1: ×2 on COFFEE-1KG, +24", award.Explanation);
        Assert.Equal(("summer-coffee", 1, CampaignEffect.Multiplies), (award.Campaign, award.Version, award.Effect));
        Assert.Equal(PurchaseState.Key("pos", "t1"), decided.OfType<CampaignPointsEarned>().Single().Reference);
        Assert.Equal(56, Member().Then(decided).Account.Balance.Outstanding);
    }

    [Fact]
    public void bonuses_add_to_the_tier_and_membership_multipliers_as_the_earn_rule_works_it_out()
    {
        // the worked example of EarnRule: Gold ×1.5 and Plus ×2 earn floor(32.99 × 2.5) = 82; a ×2 campaign on
        // the coffee adds floor(24.00 × (2 − 1)) = 24: 106.
        var rules = TierRules.From(
            TierRules.QualifyingPoints,
            TierRules.Rolling12Months,
            TierRules.Anniversary,
            TierRules.OneTier,
            0,
            [new Tier("bronze", "Bronze", 0, 1, []), new Tier("gold", "Gold", 1000, 1.5m, [])]
        );
        var program = Program with
        {
            TierVersions = [new TierRulesVersion(1, Yesterday - Duration.FromDays(30), rules)],
        };
        var gold = new TierAssigned(MemberId, "a1", "gold", "vip", Now + Duration.FromDays(300), Yesterday, Till);
        var plus = new MembershipPlan("plus", "Plus", new Money(9.99m, "EUR"), MembershipPlan.Monthly, 2, null, 0, []);
        var paid = new MembershipPurchased(
            MemberId,
            "p1",
            plus,
            Yesterday,
            Now + Duration.FromDays(20),
            Yesterday,
            Till
        );
        var coffee = Campaign("coffee", Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG")));

        var decided = Member(gold, paid).Buy(Coffee("t1"), [coffee], program: program);

        Assert.Equal(82, decided.OfType<PointsEarned>().Single().Points);
        Assert.Equal(24, decided.Awards().Single().Points);
    }

    [Theory]
    [InlineData(CampaignEffect.PerLine, 5, null, 10)] // two grocery lines
    [InlineData(CampaignEffect.PerUnit, 3, null, 7)] // 2.5 units: 7.5, floored once
    [InlineData(CampaignEffect.PerAmountSpent, 1, 10.0, 3)] // 35.00 paid: 3.5, floored
    [InlineData(CampaignEffect.PerPurchase, 200, null, 200)]
    public void each_effect_gives_its_points_on_the_matching_lines(string kind, int points, double? per, int expected)
    {
        var grocery = Campaign(
            "grocery",
            Running(CampaignTrigger.Purchase, Gives(kind, points, (decimal?)per), new(Categories: ["grocery"]))
        );
        var purchase = RecordPurchase.Parse(
            "pos",
            "t1",
            "store-1",
            Now,
            "EUR",
            [Item("1", "RICE", 2, 10m), Item("2", "FLOUR", 0.5m, 30m), Item("3", "MUG", 1, 9m, "home")],
            Now,
            Till
        );

        var award = Member().Buy(purchase, [grocery]).Awards().Single();

        Assert.Equal(expected, award.Points);
        Assert.Equal(
            kind == CampaignEffect.PerPurchase ? null : new[] { "1", "2" },
            award.Lines?.Select(l => l.LineId)
        );
    }

    [Fact]
    public void a_first_purchase_bonus_is_decided_with_the_first_purchase_only()
    {
        var first = Campaign("first", Running(CampaignTrigger.FirstPurchase, Gives(CampaignEffect.PerPurchase, 200)));
        var member = Member();

        Assert.Equal(200, member.Buy(Coffee("t1"), [first]).Awards().Single().Points);
        Assert.Empty(member.Buy(Coffee("t2"), [first]).Awards());
    }

    public static TheoryData<CampaignConditions, bool> PurchaseConditions =>
        new()
        {
            { new(Stores: ["store-1"]), true },
            { new(Stores: ["store-9"]), false },
            { new(Channels: ["app"]), false }, // the purchase names no channel
            { new(Skus: ["COFFEE-1KG"], MinimumAmount: 24), true },
            { new(Skus: ["COFFEE-1KG"], MinimumAmount: 30), false }, // 24.00 on the coffee
            { new(Skus: ["COFFEE-1KG"], MinimumAmount: 30, MinimumOnPurchase: true), true }, // 32.99 in all
            { new(DaysOfWeek: [IsoDayOfWeek.Tuesday]), true }, // 24 November 2026, 13:00 in Amsterdam
            { new(DaysOfWeek: [IsoDayOfWeek.Monday, IsoDayOfWeek.Sunday]), false },
            { new(FromTime: new LocalTime(12, 0), UntilTime: new LocalTime(14, 0)), true },
            { new(FromTime: new LocalTime(14, 0), UntilTime: new LocalTime(16, 0)), false },
            { new(FromTime: new LocalTime(22, 0), UntilTime: new LocalTime(14, 0)), true }, // past midnight
            { new(EnrolledAtMostDays: 7), true },
            { new(EnrolledAtLeastDays: 30), false },
            { new(Membership: CampaignConditions.AnyMembership), false },
            { new(Categories: ["home"]), true },
            { new(Categories: ["toys"]), false },
        };

    [Theory]
    [MemberData(nameof(PurchaseConditions))]
    public void every_condition_must_hold(CampaignConditions conditions, bool gives)
    {
        var campaign = Campaign("c", Running(CampaignTrigger.Purchase, PlusFive, conditions));

        Assert.Equal(gives, Member().Buy(Coffee("t1"), [campaign]).Awards().Any());
    }

    [Fact]
    public void channel_tier_and_membership_conditions_look_at_the_purchase_and_the_member()
    {
        var rules = TierRules.From(
            TierRules.QualifyingPoints,
            TierRules.Rolling12Months,
            TierRules.Anniversary,
            TierRules.OneTier,
            0,
            [new Tier("bronze", "Bronze", 0, 1, []), new Tier("gold", "Gold", 1000, 1, [])]
        );
        var program = Program with
        {
            TierVersions = [new TierRulesVersion(1, Yesterday - Duration.FromDays(30), rules)],
        };
        var plan = new MembershipPlan("plus", "Plus", new Money(5, "EUR"), MembershipPlan.Monthly, 1, null, 0, []);
        var paid = new MembershipPurchased(
            MemberId,
            "p1",
            plan,
            Yesterday,
            Now + Duration.FromDays(20),
            Yesterday,
            Till
        );
        var gold = new TierAssigned(MemberId, "a1", "gold", "vip", Now + Duration.FromDays(300), Yesterday, Till);
        Campaign When(CampaignConditions c) => Campaign("c", Running(CampaignTrigger.Purchase, PlusFive, c));

        Assert.Single(Member().Buy(Coffee("t1", channel: "app"), [When(new(Channels: ["app"]))]).Awards());
        Assert.Single(Member(gold).Buy(Coffee("t1"), [When(new(Tiers: ["gold"]))], program: program).Awards());
        Assert.Empty(Member().Buy(Coffee("t1"), [When(new(Tiers: ["gold"]))], program: program).Awards());
        Assert.Single(Member(paid).Buy(Coffee("t1"), [When(new(Membership: "plus"))]).Awards());
        Assert.Empty(Member(paid).Buy(Coffee("t1"), [When(new(Membership: "premium"))]).Awards());
    }

    [Fact]
    public void segment_and_stage_conditions_look_at_the_member_before_the_purchase()
    {
        Campaign When(CampaignConditions c) => Campaign("c", Running(CampaignTrigger.Purchase, PlusFive, c));
        var scores = new Loyalty.Domain.Insight.RfmScore(5, 5, 5);
        var champion = new Loyalty.Domain.Insight.MemberSegmentChanged(
            MemberId,
            null,
            "champions",
            scores,
            new(2026, 11, 23),
            Yesterday,
            Till
        );
        var winBack = When(new(Stages: ["dormant"]));
        // Enrolled 100 days before, last bought 95 days before: dormant (90 quiet days) until this purchase.
        var enrolled = Given.Enrolled() with
        {
            At = Now - Duration.FromDays(100),
        };
        var earlier = new History([enrolled]).Record(
            Purchase("t0", Line("1", 1, 10)) with
            {
                OccurredAt = Now - Duration.FromDays(95),
            }
        );
        var quiet = new History([enrolled, .. earlier]);

        Assert.Single(Member(champion).Buy(Coffee("t1"), [When(new(Segments: ["champions", "loyal"]))]).Awards());
        Assert.Empty(Member().Buy(Coffee("t1"), [When(new(Segments: ["champions"]))]).Awards());
        Assert.Single(quiet.Buy(Coffee("t1"), [winBack]).Awards());
        Assert.Empty(quiet.Buy(Coffee("t2"), [winBack]).Awards()); // active again since t1
        Assert.Empty(Member().Buy(Coffee("t1"), [winBack]).Awards()); // new
    }

    [Fact]
    public void an_engagement_earns_from_campaigns_on_its_type_and_attributes()
    {
        var share = Campaign(
            "insta-share",
            Running(
                CampaignTrigger.Engagement,
                Gives(CampaignEffect.PerPurchase, 20),
                new(Attributes: new Dictionary<string, string> { ["network"] = "instagram" }),
                engagementType: "share"
            )
        );
        var member = Member();

        var onInstagram = member.Engage(Engagement("e1", "share", Now, new() { ["network"] = "instagram" }), [share]);
        var elsewhere = member.Engage(Engagement("e2", "share", Now, new() { ["network"] = "x" }), [share]);
        var review = member.Engage(Engagement("e3", "review", Now, new() { ["network"] = "instagram" }), [share]);

        Assert.IsType<EngagementRecorded>(onInstagram[0]);
        Assert.Equal("insta-share v1: +20 for share", onInstagram.Awards().Single().Explanation);
        Assert.Empty(elsewhere.Awards());
        Assert.Single(review); // recorded, earning nothing
    }

    [Fact]
    public void a_second_sign_in_on_the_same_local_day_earns_nothing_under_a_once_a_day_limit()
    {
        var daily = Campaign(
            "daily-sign-in",
            Running(
                CampaignTrigger.Engagement,
                PlusFive,
                limits: [new CampaignLimit(CampaignLimit.Day, Times: 1)],
                engagementType: "sign-in"
            )
        );
        var member = Member();
        var lateEvening = Instant.FromUtc(2026, 11, 24, 22, 30); // 23:30 in Amsterdam
        var justAfterMidnight = Instant.FromUtc(2026, 11, 24, 23, 30); // 00:30 the next day there

        Assert.Equal(5, member.Engage(Engagement("e1", "sign-in", Now), [daily]).Awards().Single().Points);
        Assert.Empty(member.Engage(Engagement("e2", "sign-in", lateEvening), [daily]).Awards());
        var outcome = CampaignAwards.Decide(
            RecordEngagement.OccasionOf(
                new EngagementRecorded(
                    MemberId,
                    "e3",
                    "sign-in",
                    new Dictionary<string, string>(),
                    lateEvening,
                    lateEvening,
                    Till
                )
            ),
            member.Account,
            Program,
            [daily],
            NoBudgets
        );
        Assert.Equal("limit reached: 1 time a day", outcome.Withheld.Single().Reason);
        Assert.Single(member.Engage(Engagement("e4", "sign-in", justAfterMidnight), [daily]).Awards());
    }

    [Fact]
    public void a_points_limit_cuts_the_last_award_down_and_then_withholds()
    {
        var monthly = Campaign(
            "check-in",
            Running(
                CampaignTrigger.Engagement,
                PlusFive,
                limits: [new CampaignLimit(CampaignLimit.Month, Points: 12)],
                engagementType: "sign-in"
            )
        );
        var member = Member();

        var points = Enumerable
            .Range(1, 4)
            .Select(i => member.Engage(Engagement($"e{i}", "sign-in", Now + Duration.FromHours(i)), [monthly]).Awards())
            .Select(a => a.Sum(x => x.Points))
            .ToList();

        Assert.Equal([5, 5, 2, 0], points);
    }

    [Fact]
    public void a_lifetime_limit_counts_every_award()
    {
        var once = Campaign(
            "app-installed",
            Running(
                CampaignTrigger.Engagement,
                PlusFive,
                limits: [new CampaignLimit(CampaignLimit.Lifetime, Times: 1)],
                engagementType: "app-installed"
            )
        );
        var member = Member();

        Assert.Single(member.Engage(Engagement("e1", "app-installed", Now), [once]).Awards());
        Assert.Empty(member.Engage(Engagement("e2", "app-installed", Now + Duration.FromDays(90)), [once]).Awards());
    }

    [Fact]
    public void the_budget_cuts_an_award_down_to_what_is_left_and_then_withholds()
    {
        var coffee = Campaign(
            "coffee",
            Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG"), budget: 30)
        );

        var cut = Member()
            .Buy(Coffee("t1"), [coffee], new Dictionary<string, long> { ["coffee"] = 7 })
            .Awards()
            .Single();
        var spent = Member().Buy(Coffee("t2"), [coffee], new Dictionary<string, long> { ["coffee"] = 0 });

        Assert.Equal((7, 7), (cut.Points, cut.Lines!.Single().Points));
        Assert.Empty(spent.Awards());
    }

    [Fact]
    public void an_exclusive_campaign_takes_its_lines_from_every_other_campaign()
    {
        var triple = Campaign(
            "triple",
            Running(CampaignTrigger.Purchase, Multiplier(3), Skus("COFFEE-1KG"), priority: 1, exclusive: true)
        );
        var lower = Campaign(
            "lower",
            Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG"), priority: 0, exclusive: true)
        );
        var everything = Campaign(
            "everything",
            Running(CampaignTrigger.Purchase, Gives(CampaignEffect.PerLine, 1), priority: 100)
        );

        var awards = Member().Buy(Coffee("t1"), [everything, lower, triple]).Awards();

        Assert.Equal(["triple", "everything"], awards.Select(a => a.Campaign));
        Assert.Equal(48, awards[0].Points); // ×3 adds twice the coffee's 24
        Assert.Equal([new CampaignLine("2", 1)], awards[1].Lines); // only the mug is left to it
    }

    [Fact]
    public void stackable_campaigns_add_up()
    {
        var doubled = Campaign("double", Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG")));
        var perLine = Campaign("per-line", Running(CampaignTrigger.Purchase, Gives(CampaignEffect.PerLine, 1)));

        var awards = Member().Buy(Coffee("t1"), [doubled, perLine]).Awards();

        Assert.Equal(26, awards.Sum(a => a.Points));
    }

    [Fact]
    public void a_campaign_gives_only_under_the_version_in_force_and_inside_its_window()
    {
        var later = Campaign(
            "later",
            Running(CampaignTrigger.Purchase, PlusFive),
            effectiveFrom: Now + Duration.FromMinutes(1)
        );
        var paused = Campaign(
            "paused",
            Running(CampaignTrigger.Purchase, PlusFive) with
            {
                Status = CampaignRules.Paused,
            }
        );
        var over = Campaign("over", Running(CampaignTrigger.Purchase, PlusFive) with { Until = Now });
        var notYet = Campaign(
            "not-yet",
            Running(CampaignTrigger.Purchase, PlusFive) with
            {
                From = Now + Duration.FromDays(1),
            }
        );

        Assert.Empty(Member().Buy(Coffee("t1"), [later, paused, over, notYet]).Awards());
    }

    [Fact]
    public void campaign_points_settle_a_deficit_first_and_make_a_lot_of_their_own()
    {
        var coffee = Campaign(
            "coffee",
            Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG")) with
            {
                Effect = new CampaignEffect(
                    CampaignEffect.Multiplies,
                    Multiplier: 2,
                    Qualifying: true,
                    ExpiresAfterDays: 30
                ),
            }
        );
        var member = Member();

        var award = member.Buy(Coffee("t1"), [coffee]).Awards().Single();

        var lot = member.Account.Lots.Items.Single(l =>
            l.LotId == Lot.IdFor(award.LotFor(PurchaseState.Key("pos", "t1")))
        );
        Assert.Equal(24, lot.Open);
        Assert.Equal(Now + Duration.FromDays(30), lot.ExpiresAt); // no daylight saving change in between
        Assert.True(award.Qualifying);
        Assert.Equal(32 + 24, member.Account.Tier.Qualifying.Sum(s => s.Points));
    }

    [Fact]
    public void an_occasion_recorded_more_than_a_week_after_it_happened_earns_no_campaign_points()
    {
        var daily = Campaign(
            "daily",
            Running(CampaignTrigger.Engagement, PlusFive, engagementType: "sign-in"),
            effectiveFrom: Now - Duration.FromDays(30)
        );
        var lastMonth = Now - Duration.FromDays(8);
        var old = RecordEngagement.Parse("e1", "sign-in", lastMonth, null, Now, Till);
        var member = Member();

        var decided = RecordEngagement.Decide(member.Account, Program, [daily], NoBudgets, old);
        var outcome = CampaignAwards.Decide(
            RecordEngagement.OccasionOf((EngagementRecorded)decided[0]),
            member.Account,
            Program,
            [daily],
            NoBudgets
        );

        Assert.Single(decided); // recorded, earning nothing
        Assert.Equal("recorded too late for campaigns", outcome.Withheld.Single().Reason);
    }

    [Fact]
    public void an_exclusive_bonus_on_the_whole_purchase_leaves_no_line_to_other_campaigns()
    {
        var basket = Campaign(
            "basket",
            Running(CampaignTrigger.Purchase, Gives(CampaignEffect.PerPurchase, 50), exclusive: true)
        );
        var coffee = Campaign("coffee", Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG")));

        var awards = Member().Buy(Coffee("t1"), [coffee, basket]).Awards();

        Assert.Equal(["basket"], awards.Select(a => a.Campaign));
    }
}
