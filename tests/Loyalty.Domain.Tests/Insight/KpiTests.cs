using Loyalty.Domain.Common;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Memberships;
using NodaTime;

namespace Loyalty.Domain.Tests.Insight;

/// <summary>
/// December 2026 in Amsterdam, churned after 60 quiet days. Ana (joined 1 September) bought 50 on 15 October, 30 on
/// 5 December and 20 on 20 December, and renewed her membership on 1 December; Ben bought 100 on 10 October, did not
/// buy again (60 days end on 9 December) and his membership ended on 20 December; Cleo bought 40 on 20 September
/// (churned on 19 November, before the month); Dora joined on 10 December and bought 60, then 0 after a full
/// return; Emil joined on 1 November and left on 15 December; Finn joins in January.
/// </summary>
public class KpiTests
{
    private static readonly LocalDate From = new(2026, 12, 1);
    private static readonly LocalDate To = new(2026, 12, 31);
    private static readonly Loyalty.Domain.Rules.ProgramSettings Program = Given.Program with
    {
        Lifecycle = new LifecycleThresholds(30, 40, 50, 60),
    };

    private static Instant Day(int year, int month, int day) => Instant.FromUtc(year, month, day, 12, 0);

    private static KpiPurchase Bought(int month, int day, decimal paid) => new(Day(2026, month, day), paid);

    private static Membership Plus(Instant started, Instant? ended, params MembershipChange[] history) =>
        new(
            new MembershipPlan("plus", "Plus", new Money(5, "EUR"), MembershipPlan.Monthly, 1, null, 0, []),
            started,
            started,
            started + Duration.FromDays(30),
            null,
            null,
            ended,
            [],
            history
        );

    private static readonly KpiMember[] Members =
    [
        new(
            Guid.NewGuid(),
            Day(2026, 9, 1),
            null,
            [Bought(10, 15, 50), Bought(12, 5, 30), Bought(12, 20, 20)],
            Plus(
                Day(2026, 11, 1),
                null,
                new(Day(2026, 11, 1), "purchased", "p1", "plus", null),
                new(Day(2026, 12, 1), "renewed", "p2", "plus", null)
            )
        ),
        new(
            Guid.NewGuid(),
            Day(2026, 9, 1),
            null,
            [Bought(10, 10, 100)],
            Plus(
                Day(2026, 10, 1),
                Day(2026, 12, 20),
                new(Day(2026, 10, 1), "purchased", "p3", "plus", null),
                new(Day(2026, 12, 20), "ended-lapsed", "p3", "plus", null)
            )
        ),
        new(Guid.NewGuid(), Day(2026, 9, 1), null, [Bought(9, 20, 40)], null),
        new(Guid.NewGuid(), Day(2026, 12, 10), null, [Bought(12, 10, 60), Bought(12, 11, 0)], null),
        new(Guid.NewGuid(), Day(2026, 11, 1), Day(2026, 12, 15), [], null),
        new(Guid.NewGuid(), Day(2027, 1, 5), null, [], null),
    ];

    private static readonly PointsFlow Moved = new(
        Purchases: 400,
        Campaigns: 100,
        Redeemed: -120,
        HoldsCaptured: -30,
        RedemptionsCancelled: 20,
        Expired: -70
    );

    [Fact]
    public void Every_figure_of_a_month_worked_by_hand()
    {
        var december = Kpis.Of(From, To, Members, Moved, Program);

        Assert.Equal(new KpiMembers(AtStart: 4, Total: 4, New: 1, Active: 2), december.Members);
        Assert.Equal(0.5m, december.RepeatPurchaseRate); // Ana of Ana and Dora
        Assert.Equal(0.6667m, december.ChurnRate); // Ben and Emil of Ana, Ben and Emil
        Assert.Equal(0.75m, december.RetentionRate); // Ana, Ben and Cleo of the four (Emil left)
        Assert.Equal(3, december.Purchases);
        Assert.Equal(new Money(110m, "EUR"), december.Spend);
        Assert.Equal(new Money(36.67m, "EUR"), december.AverageOrderValue); // 110 ÷ 3
        Assert.Equal(new Money(75m, "EUR"), december.AverageSpendLast12Months); // 300 ÷ 4
        Assert.Equal(new Money(60m, "EUR"), december.LifetimeValue); // 300 ÷ 5 ever enrolled
        Assert.Equal(new KpiPoints(500, 130, 70, 0.26m, 0.35m), december.Points);
        Assert.Equal(1, december.PaidMembers);
        Assert.Equal(0.5m, december.RenewalRate); // one renewal, one ending
    }

    [Fact]
    public void Retention_counts_only_the_members_there_at_the_start()
    {
        var gus = new KpiMember(Guid.NewGuid(), Day(2026, 12, 3), Day(2026, 12, 4), [], null); // joined and left
        Assert.Equal(0.75m, Kpis.Of(From, To, [.. Members, gus], Moved, Program).RetentionRate);
    }

    [Fact]
    public void A_membership_that_ended_and_was_bought_again_counts_in_the_months_it_was_paid()
    {
        var again = Plus(
            Day(2026, 6, 1),
            null,
            new(Day(2026, 1, 10), "purchased", "p1", "plus", null),
            new(Day(2026, 3, 10), "ended-lapsed", "p1", "plus", null),
            new(Day(2026, 6, 1), "purchased", "p2", "plus", null)
        );
        var member = new KpiMember(Guid.NewGuid(), Day(2026, 1, 1), null, [], again);
        int PaidIn(int month) =>
            Kpis.Of(
                new(2026, month, 1),
                new LocalDate(2026, month, 1).PlusMonths(1).PlusDays(-1),
                [member],
                Moved,
                Program
            ).PaidMembers;

        Assert.Equal([1, 0, 0, 1], new[] { 2, 4, 5, 6 }.Select(PaidIn));
    }

    [Fact]
    public void A_period_with_nothing_in_it_has_no_rates()
    {
        var empty = Kpis.Of(From, To, [], PointsFlow.None, Program);
        Assert.Null(empty.RepeatPurchaseRate);
        Assert.Null(empty.ChurnRate);
        Assert.Null(empty.AverageOrderValue);
        Assert.Null(empty.Points.BreakageRate);
        Assert.Null(empty.RenewalRate);
    }

    [Fact]
    public void Weeks_are_iso_weeks_and_months_calendar_months_cut_to_the_range()
    {
        Assert.Equal(
            [(new LocalDate(2026, 12, 2), new LocalDate(2026, 12, 6)), (new(2026, 12, 7), new(2026, 12, 9))],
            Kpis.Periods(new(2026, 12, 2), new(2026, 12, 9), Kpis.Week)
        );
        Assert.Equal(
            [(new LocalDate(2026, 11, 15), new LocalDate(2026, 11, 30)), (new(2026, 12, 1), new(2026, 12, 31))],
            Kpis.Periods(new(2026, 11, 15), new(2026, 12, 31), Kpis.Month)
        );
    }

    [Fact]
    public void Cohorts_show_who_of_each_enrolment_month_bought_in_each_month_since()
    {
        var zone = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
        var cohorts = Kpis.Cohorts(new(2026, 9, 1), new(2026, 12, 31), Members, zone);
        // September: Ana, Ben, Cleo. Cleo bought in September; Ana and Ben in October; Ana in December.
        Assert.Equal(
            ["2026-09 3: 0.3333 0.6667 0 0.3333", "2026-10 0: 0 0 0", "2026-11 1: 0 0", "2026-12 1: 1"],
            cohorts.Select(c => $"{c.Cohort} {c.Members}: {string.Join(' ', c.Retention)}")
        );
    }
}
