using Loyalty.Domain.Common;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Insight;

/// <summary>A purchase as the KPIs count it: when, and what it still pays after its returns.</summary>
public sealed record KpiPurchase(Instant At, decimal Paid)
{
    /// <summary>A purchase returned in full is not counted as one (it stays the member's last activity).</summary>
    public bool Counts => Paid > 0;
}

/// <summary>A member as the KPIs see them: joined, left, their purchases oldest first, their paid membership.</summary>
public sealed record KpiMember(
    Guid Id,
    Instant EnrolledAt,
    Instant? ClosedAt,
    IReadOnlyList<KpiPurchase> Purchases,
    Membership? Membership
);

/// <summary>Member counts of a period: open at its start, open at its end, enrolled in it, and buying in it.</summary>
public sealed record KpiMembers(int AtStart, int Total, int New, int Active);

/// <summary>Points of a period, and the rates of them: see <see cref="Kpis"/>.</summary>
public sealed record KpiPoints(
    long Issued,
    long Redeemed,
    long Expired,
    decimal? RedemptionRate,
    decimal? BreakageRate
);

/// <summary>One period's figures; every formula is on <see cref="Kpis"/>.</summary>
public sealed record KpiPeriod(
    LocalDate From,
    LocalDate To,
    KpiMembers Members,
    decimal? RepeatPurchaseRate,
    decimal? ChurnRate,
    decimal? RetentionRate,
    int Purchases,
    Money Spend,
    Money? AverageOrderValue,
    Money? AverageSpendLast12Months,
    Money? LifetimeValue,
    KpiPoints Points,
    int PaidMembers,
    decimal? RenewalRate
);

/// <summary>An enrolment month's members and the share of them who bought in each month since (0: the same).</summary>
public sealed record CohortRow(string Cohort, int Members, IReadOnlyList<decimal> Retention);

/// <summary>
/// The program's KPIs, each defined here once. A period runs from <c>from</c> to <c>to</c> (local dates of the
/// program's zone, both included); S is the members open at its start, E those open at its end, N those enrolled in
/// it. Rates have 4 decimals and money 2, rounded half away from zero; a rate over nothing is null.
/// <list type="bullet">
/// <item>active: members with a purchase in the period (one returned in full does not count).</item>
/// <item>repeat-purchase rate = active members with 2 or more purchases ÷ active members.</item>
/// <item>churn rate = members of S not churned at the start (fewer quiet days than the program's
/// <c>churnedAfterDays</c>, counted from their last purchase or enrolment) who reached it during the period without
/// buying, or closed in it ÷ those members of S.</item>
/// <item>retention rate = members of S still open at the end ÷ S.</item>
/// <item>average order value = spend ÷ purchases; spend is what purchases still pay after returns.</item>
/// <item>average spend per member over the last 12 months = spend in the 365 days to the period's end ÷ E.</item>
/// <item>lifetime value = all spend up to the period's end ÷ members ever enrolled by then.</item>
/// <item>points issued (all credits), redeemed (net of cancellations, captured holds included) and expired in the
/// period; redemption rate = redeemed ÷ issued; breakage rate = expired ÷ (redeemed + expired).</item>
/// <item>paid members: members whose paid membership had started and not ended at the period's end; renewal rate =
/// renewals ÷ (renewals + memberships ended) in the period.</item>
/// </list>
/// </summary>
public static class Kpis
{
    public const string Week = "week";
    public const string Month = "month";

    /// <summary>The periods from <paramref name="from"/> to <paramref name="to"/>: ISO weeks or months.</summary>
    public static IReadOnlyList<(LocalDate From, LocalDate To)> Periods(
        LocalDate from,
        LocalDate to,
        string granularity
    )
    {
        var periods = new List<(LocalDate, LocalDate)>();
        for (var start = from; start <= to; )
        {
            var next =
                granularity == Week
                    ? start.With(DateAdjusters.Next(IsoDayOfWeek.Monday))
                    : start.With(DateAdjusters.StartOfMonth).PlusMonths(1);
            var end = LocalDate.Min(next.PlusDays(-1), to);
            periods.Add((start, end));
            start = next;
        }
        return periods;
    }

    public static KpiPeriod Of(
        LocalDate from,
        LocalDate to,
        IReadOnlyList<KpiMember> members,
        PointsFlow flow,
        ProgramSettings program
    )
    {
        var zone = DateTimeZoneProviders.Tzdb[program.TimeZone];
        var (start, end) = (
            from.AtStartOfDayInZone(zone).ToInstant(),
            to.PlusDays(1).AtStartOfDayInZone(zone).ToInstant()
        );
        var yearStart = to.PlusDays(1 - Rfm.WindowDays).AtStartOfDayInZone(zone).ToInstant();
        Money Money(decimal amount) => new(Math.Round(amount, 2, MidpointRounding.AwayFromZero), program.Currency);

        int atStart = 0,
            stayed = 0,
            total = 0,
            joined = 0,
            active = 0,
            repeaters = 0,
            purchases = 0,
            everEnrolled = 0;
        int churnBase = 0,
            churned = 0,
            paid = 0,
            renewed = 0,
            ended = 0;
        decimal spend = 0,
            yearSpend = 0,
            lifetimeSpend = 0;
        foreach (var m in members)
        {
            if (m.EnrolledAt >= end)
                continue;
            everEnrolled++;
            var openAtStart = m.EnrolledAt < start && !(m.ClosedAt < start);
            var openAtEnd = !(m.ClosedAt < end);
            atStart += openAtStart ? 1 : 0;
            stayed += openAtStart && openAtEnd ? 1 : 0;
            total += openAtEnd ? 1 : 0;
            joined += m.EnrolledAt >= start ? 1 : 0;

            var bought = m.Purchases.Where(p => p.Counts && p.At >= start && p.At < end).ToList();
            purchases += bought.Count;
            active += bought.Count > 0 ? 1 : 0;
            repeaters += bought.Count > 1 ? 1 : 0;
            spend += m.Purchases.Where(p => p.At >= start && p.At < end).Sum(p => p.Paid);
            yearSpend += m.Purchases.Where(p => p.At >= yearStart && p.At < end).Sum(p => p.Paid);
            lifetimeSpend += m.Purchases.Where(p => p.At < end).Sum(p => p.Paid);

            if (openAtStart && Churn(m, from, to, zone, program.Lifecycle.ChurnedAfterDays) is { } churn)
            {
                churnBase++;
                churned += churn ? 1 : 0;
            }
            if (m.Membership is { } membership)
            {
                paid += PaidAt(membership, end) ? 1 : 0;
                var changes = membership.History.Where(c => c.At >= start && c.At < end).ToList();
                renewed += changes.Count(c => c.Kind == "renewed");
                ended += changes.Count(c => c.Kind.StartsWith("ended", StringComparison.Ordinal));
            }
        }
        var points = PointsTotals.Of(flow);
        return new(
            from,
            to,
            new KpiMembers(atStart, total, joined, active),
            Rate(repeaters, active),
            Rate(churned, churnBase),
            Rate(stayed, atStart),
            purchases,
            Money(spend),
            purchases == 0 ? null : Money(spend / purchases),
            total == 0 ? null : Money(yearSpend / total),
            everEnrolled == 0 ? null : Money(lifetimeSpend / everEnrolled),
            new KpiPoints(
                points.Earned,
                points.Redeemed,
                points.Expired,
                Rate(points.Redeemed, points.Earned),
                Rate(points.Expired, points.Redeemed + points.Expired)
            ),
            paid,
            Rate(renewed, renewed + ended)
        );
    }

    /// <summary>
    /// For a member open at the period's start: null if already churned then, else whether they churned in it.
    /// </summary>
    private static bool? Churn(KpiMember m, LocalDate from, LocalDate to, DateTimeZone zone, int churnedAfterDays)
    {
        var start = from.AtStartOfDayInZone(zone).ToInstant();
        var lastActive = m.Purchases.LastOrDefault(p => p.At < start)?.At ?? m.EnrolledAt;
        var churnDay = lastActive.InZone(zone).Date.PlusDays(churnedAfterDays);
        if (churnDay <= from)
            return null;
        var end = to.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
        if (m.ClosedAt >= start && m.ClosedAt < end)
            return true;
        var churnStart = churnDay.AtStartOfDayInZone(zone).ToInstant();
        return churnDay <= to && !m.Purchases.Any(p => p.At >= start && p.At < churnStart);
    }

    /// <summary>
    /// Retention by enrolment month, for the months from <paramref name="from"/>'s to <paramref name="to"/>'s: of the
    /// members who enrolled in a month, the share who bought in that month and in each month after, up to the last.
    /// </summary>
    public static IReadOnlyList<CohortRow> Cohorts(
        LocalDate from,
        LocalDate to,
        IReadOnlyList<KpiMember> members,
        DateTimeZone zone
    )
    {
        var months = Periods(from.With(DateAdjusters.StartOfMonth), to, Month).Select(p => p.From).ToList();
        var byMonth = members.ToLookup(m => m.EnrolledAt.InZone(zone).Date.With(DateAdjusters.StartOfMonth));
        return
        [
            .. months.Select(
                (month, i) =>
                {
                    var cohort = byMonth[month].ToList();
                    var retention = months
                        .Skip(i)
                        .Select(m =>
                            Rate(
                                cohort.Count(c =>
                                    c.Purchases.Any(p =>
                                        p.Counts && p.At.InZone(zone).Date.With(DateAdjusters.StartOfMonth) == m
                                    )
                                ),
                                cohort.Count
                            ) ?? 0m
                        )
                        .ToList();
                    return new CohortRow(month.ToString("yyyy-MM", null), cohort.Count, retention);
                }
            ),
        ];
    }

    /// <summary>
    /// Whether the member held a paid membership just before <paramref name="end"/>: the last change of their
    /// memberships' history before then was not an end (a membership bought again later does not hide it).
    /// </summary>
    private static bool PaidAt(Membership membership, Instant end) =>
        membership.History.Where(c => c.At < end).MaxBy(c => c.At) is { } last
        && !last.Kind.StartsWith("ended", StringComparison.Ordinal);

    private static decimal? Rate(long part, long whole) =>
        whole == 0 ? null : Math.Round((decimal)part / whole, 4, MidpointRounding.AwayFromZero);
}
