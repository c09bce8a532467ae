using Loyalty.Domain.Automations;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using static Loyalty.Domain.Tests.Campaigns.Campaigns;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Automations;

public class ChangeAutomationTests
{
    private static readonly Campaign WinBack = Campaign(
        "win-back-200",
        Running(CampaignTrigger.Automation, Gives(CampaignEffect.PerPurchase, 200))
    );

    private static readonly Campaign Coffee = Campaign("coffee", Running(CampaignTrigger.Purchase, Multiplier(2)));

    private static AutomationRules Rules(
        AutomationTrigger? trigger = null,
        AutomationCondition? condition = null,
        params AutomationAction[] actions
    ) =>
        new(
            "Win back",
            null,
            AutomationRules.Active,
            trigger ?? new AutomationTrigger(AutomationTrigger.NoPurchase, 90),
            condition ?? AutomationCondition.None,
            actions.Length > 0 ? actions : [new AutomationAction(AutomationAction.Award, Campaign: "win-back-200")]
        );

    private static ChangeAutomation Parse(AutomationRules rules, string code = "win-back", int? expected = null) =>
        ChangeAutomation.Parse(code, rules, expected, Program, [WinBack, Coffee], Now, Till);

    private static DomainError Refused(AutomationRules rules, string code = "win-back") =>
        Assert.IsAssignableFrom<DomainError>(Record.Exception(() => Parse(rules, code)));

    [Theory]
    [InlineData("no-purchase", null, "trigger.days", "is required for no-purchase triggers")]
    [InlineData("no-purchase", 0, "trigger.days", "must be between 1 and 3650")]
    [InlineData("birthday", 32, "trigger.days", "must be between 0 and 31")]
    [InlineData("tier-upgraded", 3, "trigger.days", "is not for tier-upgraded triggers")]
    [InlineData("entered-stage", null, "trigger.stage", "is required")]
    [InlineData(
        "sunset",
        null,
        "trigger.kind",
        "must be one of birthday, no-purchase, points-expiring, tier-review, "
            + "membership-ending, entered-segment, entered-stage, tier-upgraded, tier-downgraded, payment-failed"
    )]
    public void a_trigger_is_refused_naming_the_field(string kind, int? days, string field, string reason)
    {
        var refused = Refused(Rules(new AutomationTrigger(kind, days)));
        Assert.Equal((field, reason), (refused.Field, refused.Reason));
    }

    [Fact]
    public void conditions_and_actions_are_refused_naming_the_field()
    {
        AutomationAction Award(string campaign) => new(AutomationAction.Award, Campaign: campaign);
        var cases = new (AutomationRules Rules, string Field, string Reason)[]
        {
            (Rules(condition: new(Tiers: ["gold"])), "condition.tiers[0]", "the program has no tier: 'gold'"),
            (Rules(condition: new(Stages: [])), "condition.stages", "is empty: the automation could never fire"),
            (Rules(condition: new(Segments: ["vip"])), "condition.segments[0]", "is not a segment: 'vip'"),
            (Rules() with { Actions = [] }, "actions", "give at least one action"),
            (Rules(null, null, Award("nope")), "actions[0].campaign", "the program has no campaign 'nope'"),
            (
                Rules(null, null, Award("coffee")),
                "actions[0].campaign",
                "campaign 'coffee' is not triggered by automations: set its trigger to automation"
            ),
            (
                Rules(null, null, new(AutomationAction.Webhook), new(AutomationAction.Webhook)),
                "actions[1].kind",
                "appears twice"
            ),
            (Rules(null, null, new AutomationAction(AutomationAction.TagMember)), "actions[0].tag", "is required"),
            (
                Rules(null, null, new AutomationAction(AutomationAction.TagMember, Tag: "Win Back")),
                "actions[0].tag",
                "must be lower-case letters, digits and hyphens, e.g. vip-2027"
            ),
        };
        foreach (var (rules, field, reason) in cases)
        {
            var refused = Refused(rules);
            Assert.Equal((field, reason), (refused.Field, refused.Reason));
        }
        Assert.Equal("code", Refused(Rules(), "Win Back").Field);
    }

    [Fact]
    public void every_change_is_a_version_the_same_rules_again_record_nothing_and_a_stale_version_is_refused()
    {
        var first = ChangeAutomation.Decide(null, Parse(Rules()));
        var automation = first.Aggregate((Automation?)null, Automation.Evolve);
        var paused = ChangeAutomation.Decide(automation, Parse(Rules() with { Status = AutomationRules.Paused }));
        var after = paused.Aggregate(automation, Automation.Evolve)!;

        Assert.Equal(1, Assert.Single(first).Version);
        Assert.Empty(ChangeAutomation.Decide(automation, Parse(Rules())));
        Assert.Equal((2, null), (after.Version, after.ActiveSince()));
        Assert.Equal(Now, automation!.ActiveSince());
        Assert.IsType<StaleVersion>(
            Record.Exception(() => ChangeAutomation.Decide(after, Parse(Rules(), expected: 1)))
        );
        Assert.IsType<RuleBroken>(
            Record.Exception(() =>
                ChangeAutomation.Decide(null, Parse(Rules() with { Status = AutomationRules.Paused }))
            )
        );
    }
}
