using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using NodaTime;
using static Loyalty.Domain.Tests.Campaigns.Campaigns;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Campaigns;

public class ChangeCampaignTests
{
    private static readonly CampaignRules Coffee = Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG"));

    private static ICampaignEvent[] Change(CampaignRules rules, Campaign? current = null, int? expected = null) =>
        ChangeCampaign.Decide(current, [], 0, ChangeCampaign.Parse("coffee", rules, expected, Program, Now, Till));

    private static Campaign After(params ICampaignEvent[] events) =>
        events.Aggregate((Campaign?)null, Loyalty.Domain.Campaigns.Campaign.Evolve)!;

    [Fact]
    public void a_new_campaign_is_version_1_and_each_change_a_new_version_in_force_from_then()
    {
        var first = Change(Coffee);
        var second = Change(Coffee with { Effect = Multiplier(3) }, After(first));

        var campaign = After([.. first, .. second]);
        Assert.Equal([1, 2], campaign.Versions.Select(v => v.Version));
        Assert.Equal(2m, campaign.InForceAt(Now - Duration.FromTicks(1))?.Rules.Effect.Multiplier ?? 2m);
        Assert.Equal(3m, campaign.InForceAt(Now)!.Rules.Effect.Multiplier);
    }

    [Fact]
    public void pausing_resuming_and_ending_are_events_of_their_own_and_the_same_rules_again_change_nothing()
    {
        var created = After(Change(Coffee));

        var paused = Change(Coffee with { Status = CampaignRules.Paused }, created);
        var resumed = Change(Coffee, After([.. Change(Coffee), .. paused]));
        var ended = Change(Coffee with { Status = CampaignRules.Ended }, created);

        Assert.IsType<CampaignPaused>(Assert.Single(paused));
        Assert.IsType<CampaignResumed>(Assert.Single(resumed));
        Assert.IsType<CampaignEnded>(Assert.Single(ended));
        Assert.Empty(Change(Coffee with { Conditions = new(Skus: ["COFFEE-1KG"]) }, created)); // equal by value
        var over = After([.. Change(Coffee), .. ended]);
        Assert.Equal("status", Assert.Throws<RuleBroken>(() => Change(Coffee, over)).Field);
    }

    [Fact]
    public void a_change_on_a_stale_version_is_refused()
    {
        var created = After(Change(Coffee));

        Assert.Equal(
            "expectedVersion",
            Assert.Throws<StaleVersion>(() => Change(Coffee with { Priority = 3 }, created, expected: 0)).Field
        );
        Assert.Single(Change(Coffee with { Priority = 3 }, created, expected: 1));
    }

    public static TheoryData<CampaignRules, string> NeverWorks =>
        new()
        {
            { Coffee with { Conditions = new(Skus: []) }, "conditions.skus" },
            { Coffee with { Conditions = new(DaysOfWeek: []) }, "conditions.daysOfWeek" },
            {
                Coffee with
                {
                    Conditions = new(FromTime: new LocalTime(9, 0), UntilTime: new LocalTime(9, 0)),
                },
                "conditions.untilTime"
            },
            {
                Coffee with
                {
                    Conditions = new(EnrolledAtLeastDays: 30, EnrolledAtMostDays: 7),
                },
                "conditions.enrolledAtMostDays"
            },
            { Coffee with { Conditions = new(Tiers: ["gold"]) }, "conditions.tiers" }, // the program has no tiers
            { Coffee with { Conditions = new(Membership: "plus") }, "conditions.membership" },
            { Coffee with { Conditions = new(Segments: ["whales"]) }, "conditions.segments" },
            { Coffee with { Conditions = new(Stages: []) }, "conditions.stages" },
            { Coffee with { Conditions = new(Stages: ["asleep"]) }, "conditions.stages" },
            {
                Coffee with
                {
                    Conditions = new(Attributes: new Dictionary<string, string> { ["a"] = "b" }),
                },
                "conditions.attributes"
            },
            { Coffee with { Effect = Multiplier(1) }, "effect.multiplier" },
            { Coffee with { Effect = Multiplier(11) }, "effect.multiplier" },
            { Coffee with { Budget = -1 }, "budget" },
            { Coffee with { From = Now + Duration.FromDays(2), Until = Now + Duration.FromDays(1) }, "until" },
            { Coffee with { Until = Now - Duration.FromDays(1) }, "until" },
            { Coffee with { From = Now - Duration.FromDays(1) }, "from" },
            { Coffee with { Limits = [new CampaignLimit(CampaignLimit.Day, Points: 0)] }, "limits[0].points" },
            { Running(CampaignTrigger.Birthday, Multiplier(2)), "effect.kind" },
            {
                Running(CampaignTrigger.Enrollment, Gives(CampaignEffect.PerPurchase, 5), new(Stores: ["s"])),
                "conditions.stores"
            },
        };

    [Theory]
    [MemberData(nameof(NeverWorks))]
    public void a_campaign_that_could_never_work_is_refused_naming_the_field(CampaignRules rules, string field)
    {
        var refused = Assert.ThrowsAny<DomainError>(() => Change(rules));

        Assert.Equal(field, refused.Field);
    }

    [Fact]
    public void an_active_exclusive_campaign_may_not_share_trigger_priority_and_dates_with_another()
    {
        var other = After(Change(Coffee with { Exclusive = true, Priority = 5 })) with { Code = "other" };
        var command = ChangeCampaign.Parse(
            "coffee",
            Coffee with
            {
                Exclusive = true,
                Priority = 5,
            },
            null,
            Program,
            Now,
            Till
        );

        Assert.Equal(
            "priority",
            Assert.Throws<RuleBroken>(() => ChangeCampaign.Decide(null, [other], 0, command)).Field
        );
        var higher = command with { Rules = command.Rules with { Priority = 6 } };
        Assert.Single(ChangeCampaign.Decide(null, [other], 0, higher));
    }

    [Fact]
    public void a_budget_may_not_drop_below_what_the_campaign_gave()
    {
        var created = After(Change(Coffee with { Budget = 1000 }));
        var command = ChangeCampaign.Parse("coffee", Coffee with { Budget = 500 }, null, Program, Now, Till);

        Assert.Equal("budget", Assert.Throws<RuleBroken>(() => ChangeCampaign.Decide(created, [], 600, command)).Field);
        Assert.Single(ChangeCampaign.Decide(created, [], 500, command));
    }
}
