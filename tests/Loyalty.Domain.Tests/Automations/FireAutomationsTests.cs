using Loyalty.Domain.Automations;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;
using static Loyalty.Domain.Tests.Campaigns.Campaigns;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Automations;

/// <summary>
/// Automations fire once per member and occasion, from the day they became active, for seven days late at most. The
/// member enrolled and bought on 24 November 2026 at 13:00 in Amsterdam (the program's zone).
/// </summary>
public class FireAutomationsTests
{
    private static Instant Day(int year, int month, int day) => Instant.FromUtc(year, month, day, 12, 0);

    private static Automation Active(
        string code,
        AutomationTrigger trigger,
        Instant? since = null,
        AutomationCondition? condition = null,
        params AutomationAction[] actions
    ) =>
        new(
            code,
            [
                new AutomationVersion(
                    1,
                    since ?? Now,
                    new AutomationRules(
                        code,
                        null,
                        AutomationRules.Active,
                        trigger,
                        condition ?? AutomationCondition.None,
                        actions.Length > 0 ? actions : [new AutomationAction(AutomationAction.Webhook)]
                    )
                ),
            ]
        );

    private static readonly AutomationTrigger Quiet90 = new(AutomationTrigger.NoPurchase, 90);

    private static readonly MembershipPlan Plus = new(
        "plus",
        "Plus",
        new Money(9.99m, "EUR"),
        MembershipPlan.Monthly,
        2,
        null,
        0,
        []
    );

    private static History Buyer() => Member().Apply(m => m.Record(Purchase("t1", Line("1", 1, 10))));

    private static IReadOnlyList<IMemberEvent> Run(
        History member,
        Instant now,
        IReadOnlyList<Automation> automations,
        IReadOnlyList<Campaign>? campaigns = null,
        IReadOnlyDictionary<string, long>? budgets = null,
        MemberProfile? profile = null,
        ProgramSettings? program = null
    )
    {
        var decided = FireAutomations.Decide(
            member.Account,
            profile,
            program ?? Program,
            automations,
            campaigns ?? [],
            budgets ?? NoBudgets,
            now
        );
        member.Then(decided);
        return decided;
    }

    private static IReadOnlyList<string> Fired(IEnumerable<IMemberEvent> events) =>
        events.OfType<AutomationFired>().Select(f => $"{f.Automation}/{f.Occurrence} on {f.On:uuuu-MM-dd}").ToList();

    [Fact]
    public void no_purchase_fires_on_the_90th_quiet_day_once_and_again_after_the_next_quiet_spell()
    {
        var member = Buyer();
        var automation = Active("win-back", Quiet90);

        var day89 = Run(member, Day(2027, 2, 21), [automation]);
        var day90 = Run(member, Day(2027, 2, 22), [automation]);
        var again = Run(member, Day(2027, 2, 23), [automation]);
        member.Apply(m => m.Record(Purchase("t2", Line("1", 1, 10)) with { OccurredAt = Day(2027, 3, 4) }));
        var nextSpell = Run(member, Day(2027, 6, 2), [automation]);

        Assert.Empty(day89);
        Assert.Equal(["win-back/no-purchase-since/2026-11-24 on 2027-02-22"], Fired(day90));
        Assert.Empty(again);
        Assert.Equal(["win-back/no-purchase-since/2027-03-04 on 2027-06-02"], Fired(nextSpell));
    }

    [Fact]
    public void an_occasion_is_due_for_seven_days_and_never_from_before_the_automation_became_active()
    {
        var lateBySeven = Run(Buyer(), Day(2027, 3, 1), [Active("win-back", Quiet90)]);
        var lateByEight = Run(Buyer(), Day(2027, 3, 2), [Active("win-back", Quiet90)]);
        var activeAfter = Run(Buyer(), Day(2027, 2, 25), [Active("win-back", Quiet90, since: Day(2027, 2, 24))]);
        var paused = Active("win-back", Quiet90) is var a
            ? a with
            {
                Versions =
                [
                    .. a.Versions,
                    new(2, Day(2027, 2, 1), a.Current.Rules with { Status = AutomationRules.Paused }),
                ],
            }
            : null;

        Assert.Single(Fired(lateBySeven));
        Assert.Empty(lateByEight);
        Assert.Empty(activeAfter);
        Assert.Empty(Run(Buyer(), Day(2027, 2, 22), [paused!]));
    }

    [Fact]
    public void the_example_of_the_issue_dormant_since_1_march_fires_once_and_an_old_stage_recorded_late_does_not()
    {
        var dormant = Active("dormant", new AutomationTrigger(AutomationTrigger.EnteredStage, Stage: "dormant"));
        var member = Buyer();
        member.Then([Stage("dormant", new LocalDate(2027, 3, 1))]);
        var late = Buyer();
        late.Then([Stage("dormant", new LocalDate(2027, 2, 20))]);

        Assert.Equal(
            ["dormant/stage/dormant/2027-03-01 on 2027-03-01"],
            Fired(Run(member, Day(2027, 3, 1), [dormant]))
        );
        Assert.Empty(Run(member, Day(2027, 3, 2), [dormant]));
        Assert.Empty(Run(late, Day(2027, 3, 1), [dormant]));
    }

    [Fact]
    public void a_birthday_seven_days_ahead_fires_in_the_members_zone_and_not_once_the_day_has_passed()
    {
        var week = Active("birthday-week", new AutomationTrigger(AutomationTrigger.Birthday, 7));
        var profile = new MemberProfile("Ada", null, null, new LocalDate(1990, 3, 28), "Pacific/Auckland");
        var member = Buyer();

        var before = Run(member, Instant.FromUtc(2027, 3, 20, 10, 0), [week], profile: profile); // 20 March 23:00
        var due = Run(member, Instant.FromUtc(2027, 3, 20, 11, 30), [week], profile: profile); // 21 March 00:30
        var again = Run(member, Day(2027, 3, 25), [week], profile: profile);

        Assert.Empty(before);
        Assert.Equal(["birthday-week/birthday/2027 on 2027-03-21"], Fired(due));
        Assert.Empty(again);
        Assert.Empty(Run(Buyer(), Day(2027, 3, 29), [week], profile: profile)); // the birthday has passed
    }

    [Fact]
    public void the_award_goes_through_the_campaign_whose_budget_cuts_it_down_or_withholds_it()
    {
        var winBack = Campaign(
            "win-back-200",
            Running(CampaignTrigger.Automation, Gives(CampaignEffect.PerPurchase, 200))
        );
        var award = new AutomationAction(AutomationAction.Award, Campaign: "win-back-200");
        var tag = new AutomationAction(AutomationAction.TagMember, Tag: "win-back");
        var automation = Active("win-back", Quiet90, null, null, award, tag);

        IReadOnlyList<IMemberEvent> WithBudget(History member, long left) =>
            Run(
                member,
                Day(2027, 2, 22),
                [automation],
                [winBack],
                new Dictionary<string, long> { [winBack.Code] = left }
            );
        var member = Buyer();
        var full = WithBudget(member, 500);
        var cut = WithBudget(Buyer(), 150);
        var none = WithBudget(Buyer(), 0);

        var fired = full.OfType<AutomationFired>().Single();
        Assert.Equal((200, null, false), (fired.Points, fired.Withheld, fired.Notify));
        Assert.Equal(
            "win-back-200 v1: +200 by automation/win-back/no-purchase-since/2026-11-24",
            full.Awards().Single().Explanation
        );
        Assert.Equal(210, member.Account.Balance.Outstanding);
        Assert.Equal(["win-back"], member.Account.Tags!.Keys);
        Assert.Equal(150, cut.OfType<AutomationFired>().Single().Points);
        Assert.Equal(
            (0, "the campaign's budget is spent"),
            (none.OfType<AutomationFired>().Single().Points, none.OfType<AutomationFired>().Single().Withheld)
        );
        Assert.Empty(none.OfType<CampaignPointsEarned>());
    }

    [Fact]
    public void the_condition_is_checked_when_it_fires()
    {
        var paid = new MembershipPurchased(MemberId, "p1", Plus, Now, Now + Duration.FromDays(400), Now, Till);
        var forPlus = Active("win-back", Quiet90, condition: new AutomationCondition(Plans: ["plus"]));
        var forNew = Active("win-back", Quiet90, condition: new AutomationCondition(Stages: [LifecycleStage.New]));

        Assert.Empty(Run(Buyer(), Day(2027, 2, 22), [forPlus]));
        Assert.Single(Fired(Run(Buyer().Then([paid]), Day(2027, 2, 22), [forPlus])));
        Assert.Empty(Run(Buyer(), Day(2027, 2, 22), [forNew])); // at-risk by then, no longer new
    }

    [Fact]
    public void points_expiring_within_30_days_fire_once_per_last_day_with_the_points()
    {
        // Points expire at the start of the local day after their last day (midnight in Amsterdam).
        var endOfJanuary = Instant.FromUtc(2027, 1, 31, 23, 0);
        var endOfMarch = Instant.FromUtc(2027, 3, 31, 22, 0);
        PointsAdjusted Lot(string id, int points, Instant expiresAt) =>
            new(MemberId, id, points, "goodwill", 0, Now, Till, ExpiresAt: expiresAt);
        var expiring = Active("expiring", new AutomationTrigger(AutomationTrigger.PointsExpiring, 30));
        var member = Member(Lot("a1", 40, endOfJanuary), Lot("a2", 25, endOfJanuary), Lot("a3", 10, endOfMarch));

        Assert.Empty(Run(member, Day(2026, 12, 31), [expiring]));
        var due = Run(member, Day(2027, 1, 1), [expiring]).OfType<AutomationFired>().Single();
        Assert.Equal(("points-expiring/2027-01-31", 65m), (due.Occurrence, due.Amount));
        Assert.Empty(Run(member, Day(2027, 1, 5), [expiring]));
        Assert.Equal(
            "points-expiring/2027-03-31",
            Run(member, Day(2027, 3, 1), [expiring]).OfType<AutomationFired>().Single().Occurrence
        );
    }

    [Fact]
    public void two_automations_awarding_through_one_campaign_in_one_write_share_its_budget()
    {
        var winBack = Campaign(
            "win-back-200",
            Running(CampaignTrigger.Automation, Gives(CampaignEffect.PerPurchase, 200))
        );
        var award = new AutomationAction(AutomationAction.Award, Campaign: "win-back-200");
        var quiet = Active("a-quiet", Quiet90, null, null, award);
        var dormant = Active("b-dormant", new AutomationTrigger(AutomationTrigger.NoPurchase, 88), null, null, award);

        var both = Run(
            Buyer(),
            Day(2027, 2, 22),
            [quiet, dormant],
            [winBack],
            new Dictionary<string, long> { [winBack.Code] = 300 }
        );

        Assert.Equal([200, 100], both.OfType<AutomationFired>().Select(f => f.Points));
        Assert.Equal(300, both.Awards().Sum(a => a.Points));
    }

    [Fact]
    public void a_tier_review_in_30_days_reaches_only_members_missing_points_to_keep_their_tier()
    {
        var program = Tiers.TierTests.Program();
        var review = Active("review", new AutomationTrigger(AutomationTrigger.TierReview, 30));
        History Silver() =>
            Member()
                .Apply(m =>
                    TierQualification.Following(
                        m.Account,
                        m.Record(Purchase("t1", Line("1", 1, 900), Line("2", 1, 600)), program),
                        program,
                        Now,
                        Till
                    )
                );
        var keeping = Silver();
        var missing = Silver().Apply(m => m.Return(Return("t1", "r1", new ReturnLine("2", 1))));

        // reviewed on the anniversary, 24 November 2027 at midnight in Amsterdam: due from 25 October
        Assert.Empty(Run(missing, Day(2027, 10, 24), [review], program: program));
        var due = Run(missing, Day(2027, 10, 25), [review], program: program).OfType<AutomationFired>().Single();
        Assert.Equal(("tier-review/2027-11-24", 100m), (due.Occurrence, due.Amount));
        Assert.Empty(Run(keeping, Day(2027, 10, 25), [review], program: program));
    }

    [Fact]
    public void a_failed_payment_and_a_tier_upgrade_fire_once_each()
    {
        var member = Member(
            new MembershipPurchased(MemberId, "p1", Plus, Now, Now + Duration.FromDays(30), Now, Till),
            new MembershipPaymentFailed(MemberId, "p2", Now + Duration.FromDays(37), Now + Duration.FromDays(30), Till)
        );
        var failed = Active("dunning", new AutomationTrigger(AutomationTrigger.PaymentFailed));
        var upgraded = Active("welcome-gold", new AutomationTrigger(AutomationTrigger.TierUpgraded));
        var program = Tiers.TierTests.Program();
        member.Apply(m =>
            TierQualification.Following(
                m.Account,
                m.Record(Purchase("t1", Line("1", 1, 3000)), program),
                program,
                Now,
                Till
            )
        );

        Assert.Equal(
            ["dunning/payment-failed/p2 on 2026-12-24"],
            Fired(Run(member, Day(2026, 12, 24), [failed, upgraded], program: program))
        );
        Assert.Equal(
            ["welcome-gold/tier-upgraded/gold/2026-11-24 on 2026-11-24"],
            Fired(Run(member, Now, [upgraded], program: program))
        );
        Assert.Empty(Run(member, Day(2026, 12, 25), [failed, upgraded], program: program));
    }

    [Fact]
    public void a_closed_member_is_never_reached()
    {
        var closed = Buyer().Then([new MemberClosed(MemberId, "left", Now, Till)]);
        Assert.Empty(Run(closed, Day(2027, 2, 22), [Active("win-back", Quiet90)]));
    }

    private static MemberStageChanged Stage(string stage, LocalDate since) =>
        new(
            MemberId,
            LifecycleStage.AtRisk,
            stage,
            since,
            LifecycleThresholds.Default,
            since.AtMidnight().InUtc().ToInstant(),
            Actor.System("insight")
        );
}
