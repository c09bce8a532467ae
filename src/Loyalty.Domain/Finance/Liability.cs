using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Finance;

/// <summary>
/// Outstanding points (every point in an open lot) split by what a member could do with them at an instant:
/// <see cref="Available"/> to spend, <see cref="Pending"/> (not yet available), <see cref="Held"/> by holds at
/// checkout, and <see cref="PastExpiry"/>: past their expiry, waiting for the expiry job to take them.
/// Outstanding = available + pending + held + past expiry. <see cref="NotYetExpired"/>: the points in lots whose
/// expiry has not come, which lapse then if nobody spends them first.
/// </summary>
public sealed record LiabilityPoints(
    long Outstanding,
    long Available,
    long Pending,
    long Held,
    long PastExpiry,
    long NotYetExpired
)
{
    public static readonly LiabilityPoints None = new(0, 0, 0, 0, 0, 0);

    public static LiabilityPoints Of(Lot lot, Instant at) =>
        lot.IsExpiredAt(at) ? new(lot.Open, 0, 0, lot.Held, lot.Open - lot.Held, 0)
        : lot.IsPendingAt(at) ? new(lot.Open, 0, lot.Open - lot.Held, lot.Held, 0, lot.Open)
        : new(lot.Open, lot.Open - lot.Held, 0, lot.Held, 0, lot.Open);

    public LiabilityPoints Plus(LiabilityPoints other) =>
        new(
            Outstanding + other.Outstanding,
            Available + other.Available,
            Pending + other.Pending,
            Held + other.Held,
            PastExpiry + other.PastExpiry,
            NotYetExpired + other.NotYetExpired
        );
}

/// <summary>
/// Some outstanding points of members of one <see cref="Tier"/> (the tier they earned; null: none above the base)
/// whose lots expire in one local month (<see cref="Liability.MonthOf"/>).
/// </summary>
public sealed record LiabilityPart(string? Tier, string ExpiryMonth, LiabilityPoints Points);

/// <summary><see cref="LiabilityPoints"/> in points and in money.</summary>
public sealed record LiabilityFigures(
    Figure Outstanding,
    Figure Available,
    Figure Pending,
    Figure Held,
    Figure PastExpiry
)
{
    public static LiabilityFigures Of(LiabilityPoints p, PointValue? value) =>
        new(
            Figure.Of(p.Outstanding, value),
            Figure.Of(p.Available, value),
            Figure.Of(p.Pending, value),
            Figure.Of(p.Held, value),
            Figure.Of(p.PastExpiry, value)
        );
}

/// <summary>The points that expire in a local month (<c>yyyy-MM</c>), <c>later</c> or <c>never</c>.</summary>
public sealed record ExpiryMonthLiability(string Month, Figure Expiring);

public sealed record TierLiability(string? Tier, LiabilityFigures Figures);

/// <summary>
/// The program's points liability at <see cref="AsOf"/>: what members hold, valued at the point value in force
/// then (rounded per figure, half away from zero), by the month it would lapse and by tier.
/// </summary>
public sealed record Liability(
    Instant AsOf,
    string TimeZone,
    string? Currency,
    PointValue? PointValue,
    LiabilityFigures Total,
    IReadOnlyList<ExpiryMonthLiability> ByExpiryMonth,
    IReadOnlyList<TierLiability> ByTier
)
{
    public const string Never = "never";
    public const string Later = "later";

    /// <summary>Expiry months named one by one from the month asked about; then <see cref="Later"/>.</summary>
    public const int MonthsNamed = 240;

    /// <summary>
    /// The local month a lot expiring at <paramref name="expiresAt"/> lapses in, as seen at <paramref name="at"/>:
    /// its <c>yyyy-MM</c>, <see cref="Never"/>, or <see cref="Later"/> beyond <see cref="MonthsNamed"/> months.
    /// </summary>
    public static string MonthOf(Instant? expiresAt, Instant at, DateTimeZone zone)
    {
        if (expiresAt is not { } expires)
            return Never;
        var month = expires.InZone(zone).Date.ToYearMonth();
        return month < FirstMonth(at, zone).PlusMonths(MonthsNamed) ? Name(month) : Later;
    }

    public static YearMonth FirstMonth(Instant at, DateTimeZone zone) => at.InZone(zone).Date.ToYearMonth();

    public static string Name(YearMonth month) => month.ToString("yyyy-MM", null);

    /// <summary>Each lot of one member counted at <paramref name="at"/>.</summary>
    public static IEnumerable<LiabilityPart> PartsOf(string? tier, Lots lots, Instant at, DateTimeZone zone) =>
        lots.Items.Select(lot => new LiabilityPart(
            tier,
            MonthOf(lot.ExpiresAt, at, zone),
            LiabilityPoints.Of(lot, at)
        ));

    /// <param name="zone">The zone the months are in: the program's current one, which <paramref name="program"/>
    /// (its settings at <paramref name="at"/>) may not have had yet.</param>
    public static Liability Of(IEnumerable<LiabilityPart> parts, Instant at, ProgramSettings program, DateTimeZone zone)
    {
        var all = parts.ToList();
        var value = program.PointValue;
        LiabilityPoints Sum(IEnumerable<LiabilityPart> some) =>
            some.Aggregate(LiabilityPoints.None, (sum, p) => sum.Plus(p.Points));
        var byMonth = all.GroupBy(p => p.ExpiryMonth)
            .Select(g => new ExpiryMonthLiability(g.Key, Figure.Of(Sum(g).NotYetExpired, value)))
            .Where(m => m.Expiring.Points != 0)
            .OrderBy(m =>
                m.Month is Never ? 2
                : m.Month is Later ? 1
                : 0
            )
            .ThenBy(m => m.Month, StringComparer.Ordinal)
            .ToList();
        var byTier = all.GroupBy(p => p.Tier)
            .Select(g => new TierLiability(g.Key, LiabilityFigures.Of(Sum(g), value)))
            .Where(t => t.Figures.Outstanding.Points != 0)
            .OrderBy(t => t.Tier, StringComparer.Ordinal)
            .ToList();
        return new(
            at,
            zone.Id,
            value is null ? null : program.Currency,
            value,
            LiabilityFigures.Of(Sum(all), value),
            byMonth,
            byTier
        );
    }
}
