using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Api.Points;

/// <summary>Points that become available at a moment.</summary>
public sealed record PendingPoints(long Points, Instant AvailableAt);

/// <summary>
/// Points that expire at <c>expiresAt</c>: the start of the day after <c>lastDay</c> in the program's zone.
/// </summary>
public sealed record ExpiringPoints(long Points, Instant ExpiresAt, LocalDate LastDay);

/// <summary>What expires within the next <c>withinDays</c> days, and when.</summary>
public sealed record ExpiringSoon(int WithinDays, long Points, IReadOnlyList<ExpiringPoints> Dates);

/// <summary>
/// A member's points at the moment of the answer. <c>available</c> may be spent now; <c>pending</c> is still in its
/// return window (<c>pendingPoints</c> says when it becomes available); <c>held</c> is reserved by holds at
/// checkout; <c>outstanding</c> is all points in open lots, the program's liability. The deficit is what returns of
/// spent points left, settled by the next credits. Lifetime totals reconcile:
/// outstanding − deficit = earned − redeemed + adjusted − expired.
/// </summary>
/// <param name="Available">Points the member may spend now.</param>
/// <param name="Pending">Points still in their return window.</param>
/// <param name="Held">Points reserved by holds at checkout.</param>
/// <param name="Outstanding">All points in open lots: what the program owes.</param>
/// <param name="Deficit">Points returns took back after they were spent, settled by the next credits.</param>
/// <param name="PendingPoints">When pending points become available.</param>
/// <param name="NextExpiry">The next points to expire, or null when none will.</param>
/// <param name="Expiring">What expires soon (30 days unless asked otherwise).</param>
/// <param name="Version">The member's stream version this balance reflects.</param>
public sealed record BalanceResponse(
    Guid MemberId,
    long Available,
    long Pending,
    long Held,
    long Outstanding,
    long Deficit,
    long LifetimeEarned,
    long LifetimeRedeemed,
    long LifetimeAdjusted,
    long LifetimeExpired,
    IReadOnlyList<PendingPoints> PendingPoints,
    ExpiringPoints? NextExpiry,
    ExpiringSoon Expiring,
    long Version
)
{
    public const int DefaultExpiringWithinDays = 30;

    public static BalanceResponse From(
        PointsAccount account,
        long version,
        Instant now,
        ProgramSettings program,
        int expiringWithinDays = DefaultExpiringWithinDays
    )
    {
        var (b, lots, zone) = (account.Balance, account.Lots, program.Zone());
        var pending = lots
            .Items.Where(l => l.IsPendingAt(now))
            .GroupBy(l => l.AvailableAt)
            .OrderBy(g => g.Key)
            .Select(g => new PendingPoints(g.Sum(l => (long)l.Open), g.Key))
            .ToList();
        var expiring = lots
            .Items.Where(l => !l.IsExpiredAt(now) && l.ExpiresAt is not null && l.Open - l.Held > 0)
            .GroupBy(l => l.ExpiresAt!.Value)
            .OrderBy(g => g.Key)
            .Select(g => new ExpiringPoints(g.Sum(l => (long)(l.Open - l.Held)), g.Key, LastDay(g.Key, zone)))
            .ToList();
        var horizon = now + Duration.FromDays(expiringWithinDays);
        var soon = expiring.Where(e => e.ExpiresAt <= horizon).ToList();
        return new(
            account.MemberId,
            lots.Available(now),
            lots.Pending(now),
            b.Held,
            b.Outstanding,
            b.Deficit,
            b.LifetimeEarned,
            b.LifetimeRedeemed,
            b.LifetimeAdjusted,
            b.LifetimeExpired,
            pending,
            expiring.FirstOrDefault(),
            new ExpiringSoon(expiringWithinDays, soon.Sum(e => e.Points), soon),
            version
        );
    }

    /// <summary>The last local day on which points expiring at <paramref name="expiresAt"/> may be used.</summary>
    public static LocalDate LastDay(Instant expiresAt, DateTimeZone zone) =>
        Domain.Rules.ExpiryPolicy.LastDayBefore(expiresAt, zone);
}
