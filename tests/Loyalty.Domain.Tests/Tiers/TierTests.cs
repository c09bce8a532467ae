using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Tests.Tiers;

/// <summary>
/// Reaching, keeping and losing tiers: one point per euro, Bronze 0, Silver 1,000, Gold 2,500, Platinum 5,000.
/// </summary>
public class TierTests
{
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
    private static readonly Actor Job = Actor.System("standing-review");

    public static TierRules Rules(
        string window = TierRules.Rolling12Months,
        string review = TierRules.Anniversary,
        string drop = TierRules.OneTier,
        int graceDays = 0,
        decimal silver = 1000
    ) =>
        TierRules.From(
            TierRules.QualifyingPoints,
            window,
            review,
            drop,
            graceDays,
            [
                new Tier("bronze", "Bronze", 0, 1, []),
                new Tier("silver", "Silver", silver, 1.25m, ["free shipping"]),
                new Tier("gold", "Gold", 2500, 1.5m, ["free shipping", "birthday gift"]),
                new Tier("platinum", "Platinum", 5000, 2, ["lounge"]),
            ]
        );

    public static ProgramSettings Program(TierRules? rules = null) =>
        Given.Program with
        {
            RuleVersion = 2,
            TierVersions = [new TierRulesVersion(2, Given.Now - Duration.FromDays(400), rules ?? Rules())],
        };

    private static Instant Local(int year, int month, int day, int hour = 0) =>
        Amsterdam.AtStrictly(new LocalDateTime(year, month, day, hour, 0)).ToInstant();

    private static RecordPurchase PurchaseAt(string id, decimal amount, Instant at) =>
        RecordPurchase.Parse("pos", id, "store-1", at, "EUR", [Given.Line("1", 1, amount)], at, Given.Till);

    /// <summary>Records a purchase and the tier change it causes, as the service does.</summary>
    private static IReadOnlyList<IMemberEvent> Buy(
        History member,
        string id,
        decimal amount,
        ProgramSettings program,
        Instant? at = null
    )
    {
        var cmd = PurchaseAt(id, amount, at ?? Given.Now);
        var decided = TierQualification.Following(
            member.Account,
            member.Record(cmd, program),
            program,
            cmd.RecordedAt,
            Given.Till
        );
        member.Then(decided);
        return decided;
    }

    private static TierHeld Held(History member, ProgramSettings program, Instant at) =>
        TierHeld.At(member.Account.Tier, member.Account.Membership, program.TiersAt(at)!.Rules, at);

    [Fact]
    public void crossing_several_thresholds_upgrades_straight_to_the_highest_with_its_metric_and_rule_version()
    {
        var member = Given.Member();
        var decided = Buy(member, "T1", 3000, Program());

        var upgraded = Assert.Single(decided.OfType<TierUpgraded>());
        Assert.Equal(("bronze", "gold", 3000m, 2), (upgraded.From, upgraded.To, upgraded.Value, upgraded.RuleVersion));
        Assert.Equal(Local(2027, 11, 24), upgraded.ReviewAt); // the anniversary, at the start of the local day
        // crossed once only
        Assert.Equal(TierQualification.AfterActivity(member.Account, Program(), Given.Now, Given.Till), []);
    }

    [Fact]
    public void a_member_below_every_threshold_but_the_first_holds_the_base_tier_without_an_event()
    {
        var member = Given.Member();
        Assert.Empty(Buy(member, "T1", 10, Program()).OfType<TierUpgraded>());
        Assert.Equal(
            ("bronze", TierHeld.ByEarning),
            (Held(member, Program(), Given.Now).Tier!.Code, Held(member, Program(), Given.Now).Source)
        );
    }

    [Fact]
    public void the_tier_multiplier_applies_to_the_next_purchase_and_shows_per_line_with_the_base_points()
    {
        var member = Given.Member();
        Buy(member, "T1", 3000, Program());
        var earned = member
            .Record(
                RecordPurchase.Parse(
                    "pos",
                    "T2",
                    "store-1",
                    Given.Now,
                    "EUR",
                    [Given.Line("a", 1, 10.01m), Given.Line("b", 1, 10.01m)],
                    Given.Now,
                    Given.Till
                ),
                Program()
            )
            .Single();

        Assert.Equal(20, earned.BasePoints);
        Assert.Equal(30, earned.Points); // floor(20.02 × 1.5) = 30
        Assert.Equal([new EarnMultiplier("tier", "gold", 1.5m)], earned.Multipliers);
        Assert.Equal([(10, 15), (10, 15)], earned.Lines.Select(l => (l.BasePoints!.Value, l.Points)));
    }

    [Fact]
    public void a_return_before_the_review_lowers_the_metric_but_never_the_tier()
    {
        var member = Given.Member();
        Buy(member, "T1", 3000, Program());
        var reversed = member.Return(Given.Return("T1", "R1", new ReturnLine("1", 1))).Single();
        member.Then([reversed]);

        Assert.Equal(new QualifyingActivity(Given.Now, -3000, -3000, -1), reversed.Qualifying);
        Assert.Equal(0, member.Account.Tier.Metric(Program().TiersAt(Given.Now)!.Rules, Amsterdam, Given.Now));
        Assert.Equal("gold", Held(member, Program(), Given.Now + Duration.FromDays(300)).Tier!.Code);
        Assert.Empty(TierQualification.Review(member.Account, Program(), Local(2027, 11, 23, 23), Job));
    }

    [Fact]
    public void at_review_a_member_who_qualifies_again_keeps_the_tier_for_another_year()
    {
        var program = Program(Rules(TierRules.CalendarYear, TierRules.EndOfYearAfter));
        var member = Given.Member();
        Buy(member, "T1", 3000, program); // gold in 2026: kept to the end of 2027
        Buy(member, "T2", 2600, program, Local(2027, 6, 1, 12)); // 2027 counts 2,600: gold again

        var reviewed = TierQualification.Review(
            member.Account,
            program,
            Local(2028, 1, 1, 0) + Duration.FromMinutes(1),
            Job
        );

        var kept = Assert.IsType<TierRequalified>(Assert.Single(reviewed));
        Assert.Equal(
            ("gold", 2600m, Local(2028, 1, 1), Local(2029, 1, 1)),
            (kept.Tier, kept.Value, kept.At, kept.ReviewAt)
        );
    }

    [Theory]
    [InlineData(TierRules.OneTier, "gold")]
    [InlineData(TierRules.ToQualified, "silver")]
    public void at_review_a_member_short_of_the_tier_drops_one_tier_or_to_what_they_qualify_for(
        string drop,
        string expected
    )
    {
        var program = Program(Rules(TierRules.CalendarYear, TierRules.EndOfYearAfter, drop));
        var member = Given.Member();
        Buy(member, "T1", 6000, program); // platinum
        Buy(member, "T2", 1200, program, Local(2027, 3, 1, 12)); // 2027: silver only

        var reviewed = TierQualification.Review(member.Account, program, Local(2028, 1, 2), Job);
        member.Then(reviewed);

        var dropped = Assert.IsType<TierDowngraded>(Assert.Single(reviewed));
        Assert.Equal(
            ("platinum", expected, 1200m, Local(2028, 1, 1)),
            (dropped.From, dropped.To, dropped.Value, dropped.At)
        );
        Assert.Equal(expected, Held(member, program, Local(2028, 1, 2)).Tier!.Code);
        // run twice: nothing more
        Assert.Empty(TierQualification.Review(member.Account, program, Local(2028, 1, 2), Job));
    }

    [Fact]
    public void grace_keeps_the_tier_and_reaching_it_again_during_grace_keeps_it_for_good()
    {
        var program = Program(Rules(TierRules.CalendarYear, TierRules.EndOfYearAfter, graceDays: 30));
        var member = Given.Member();
        Buy(member, "T1", 3000, program);

        var review = TierQualification.Review(member.Account, program, Local(2028, 1, 1, 1), Job);
        member.Then(review);
        var grace = Assert.IsType<TierGraceStarted>(Assert.Single(review));
        Assert.Equal(
            ("gold", (string?)"bronze", Local(2028, 1, 31)),
            (grace.Tier, grace.QualifiesFor, grace.GraceUntil)
        );
        Assert.Equal("gold", Held(member, program, Local(2028, 1, 15)).Tier!.Code);

        var decided = Buy(member, "T2", 2500, program, Local(2028, 1, 20, 12));
        var kept = Assert.Single(decided.OfType<TierRequalified>());
        Assert.Equal(Local(2029, 1, 1), kept.ReviewAt); // the cycle stays on its dates
        Assert.Empty(TierQualification.Review(member.Account, program, Local(2028, 2, 1), Job));
    }

    [Fact]
    public void grace_that_runs_out_drops_the_tier_at_its_end()
    {
        var program = Program(
            Rules(TierRules.CalendarYear, TierRules.EndOfYearAfter, TierRules.ToQualified, graceDays: 30)
        );
        var member = Given.Member();
        Buy(member, "T1", 3000, program);

        // The job was down for a while: the review and the end of grace are both recorded, each at its moment.
        var decided = TierQualification.Review(member.Account, program, Local(2028, 3, 1), Job);

        Assert.Collection(
            decided,
            e => Assert.Equal(Local(2028, 1, 1), Assert.IsType<TierGraceStarted>(e).At),
            e =>
                Assert.Equal(
                    (Local(2028, 1, 31), "gold", (string?)"bronze"),
                    (Assert.IsType<TierDowngraded>(e).At, ((TierDowngraded)e).From, ((TierDowngraded)e).To)
                )
        );
    }

    [Fact]
    public void an_assigned_tier_is_a_floor_until_its_end_date()
    {
        var member = Given.Member();
        Buy(member, "T1", 1500, Program()); // silver
        var until = Local(2027, 1, 1);
        member.Then(
            AssignTier.Decide(
                member.Account,
                Program(),
                AssignTier.Parse("A1", "platinum", "celebrity", until, Given.Now, Given.Till)
            )
        );

        Assert.Equal(
            ("platinum", TierHeld.ByAssignment, (Instant?)until),
            (
                Held(member, Program(), Given.Now).Tier!.Code,
                Held(member, Program(), Given.Now).Source,
                Held(member, Program(), Given.Now).Until
            )
        );
        Assert.Equal(
            [new EarnMultiplier("tier", "platinum", 2)],
            RecordPurchase.MultipliersOf(member.Account, Program(), Given.Now)
        );
        Assert.Equal("silver", Held(member, Program(), until).Tier!.Code);

        // A floor below the tier earned changes nothing.
        member.Then(
            AssignTier.Decide(
                member.Account,
                Program(),
                AssignTier.Parse("A2", "bronze", "mistake", until, Given.Now, Given.Till)
            )
        );
        Assert.Equal("silver", Held(member, Program(), Given.Now).Tier!.Code);
    }

    [Fact]
    public void an_assignment_names_a_tier_of_the_program_and_an_end_in_the_future()
    {
        var member = Given.Member();
        Assert.Equal(
            "tier",
            Assert
                .Throws<RuleBroken>(() =>
                    AssignTier.Decide(
                        member.Account,
                        Program(),
                        AssignTier.Parse(
                            "A1",
                            "diamond",
                            "vip",
                            Given.Now + Duration.FromDays(1),
                            Given.Now,
                            Given.Till
                        )
                    )
                )
                .Field
        );
        Assert.Equal(
            "until",
            Assert
                .Throws<InvalidInput>(() => AssignTier.Parse("A1", "gold", "vip", Given.Now, Given.Now, Given.Till))
                .Field
        );
    }

    [Fact]
    public void new_rules_apply_from_their_effective_date_and_leave_what_came_before_as_it_was()
    {
        var change = ChangeTierRules.Decide(
            Program(),
            new ChangeTierRules(Rules(silver: 500), Local(2027, 1, 1), 2, Given.Now, Given.Till)
        );
        var program = ProgramSettings.Evolve(Program(), Assert.Single(change));
        var member = Given.Member();

        Assert.Empty(Buy(member, "T1", 600, program).OfType<TierUpgraded>()); // 600 < 1,000 under version 2
        var upgraded = Assert.Single(Buy(member, "T2", 1, program, Local(2027, 1, 2, 12)).OfType<TierUpgraded>());
        Assert.Equal(("silver", 601m, 3), (upgraded.To, upgraded.Value, upgraded.RuleVersion));
        Assert.Equal(2, program.TiersAt(Given.Now)!.RuleVersion);
    }

    [Fact]
    public void new_rules_never_start_in_the_past_and_keep_every_tier_in_its_order()
    {
        Assert.Equal(
            "effectiveFrom",
            Assert
                .Throws<InvalidInput>(() =>
                    ChangeTierRules.Decide(
                        Program(),
                        new ChangeTierRules(Rules(), Given.Now - Duration.FromDays(1), null, Given.Now, Given.Till)
                    )
                )
                .Field
        );
        var withoutGold = Rules() with { Tiers = Rules().Tiers.Where(t => t.Code != "gold").ToArray() };
        Assert.Equal(
            "tiers",
            Assert
                .Throws<RuleBroken>(() =>
                    ChangeTierRules.Decide(
                        Program(),
                        new ChangeTierRules(withoutGold, null, null, Given.Now, Given.Till)
                    )
                )
                .Field
        );
        Assert.Equal(
            "tiers[2].threshold",
            Assert
                .Throws<InvalidInput>(() =>
                    TierRules.From(
                        TierRules.Purchases,
                        TierRules.CalendarYear,
                        TierRules.Anniversary,
                        TierRules.OneTier,
                        0,
                        [new Tier("a", "A", 0, 1, []), new Tier("b", "B", 5, 1, []), new Tier("c", "C", 5, 1, [])]
                    )
                )
                .Field
        );
        Assert.Equal(
            "window",
            Assert
                .Throws<InvalidInput>(() =>
                    TierRules.From(
                        TierRules.Purchases,
                        "weekly",
                        TierRules.Anniversary,
                        TierRules.OneTier,
                        0,
                        [new Tier("a", "A", 0, 1, [])]
                    )
                )
                .Field
        );
    }

    [Fact]
    public void spend_and_purchase_count_metrics_count_what_was_paid_and_how_often()
    {
        var spend = Program(Rules() with { Metric = TierRules.QualifyingSpend });
        var count = Program(
            Rules() with
            {
                Metric = TierRules.Purchases,
                Tiers = [new Tier("new", "New", 0, 1, []), new Tier("regular", "Regular", 3, 1, [])],
            }
        );
        var member = Given.Member();
        Buy(member, "T1", 999.99m, spend);
        Buy(member, "T2", 1, spend);
        Buy(member, "T3", 1, spend);

        Assert.Equal(1001.99m, member.Account.Tier.Metric(spend.TiersAt(Given.Now)!.Rules, Amsterdam, Given.Now));
        Assert.Equal(3, member.Account.Tier.Metric(count.TiersAt(Given.Now)!.Rules, Amsterdam, Given.Now));
    }

    [Fact]
    public void the_rolling_window_starts_at_the_local_date_a_year_before()
    {
        var member = Given.Member();
        Buy(member, "T1", 100, Program(), Local(2026, 3, 1, 8));
        var rules = Program().TiersAt(Given.Now)!.Rules;

        Assert.Equal(100, member.Account.Tier.Metric(rules, Amsterdam, Local(2027, 3, 1, 23)));
        Assert.Equal(0, member.Account.Tier.Metric(rules, Amsterdam, Local(2027, 3, 2)));
    }
}
