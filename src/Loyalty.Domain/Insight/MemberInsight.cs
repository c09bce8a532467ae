using Loyalty.Domain.Common;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Insight;

/// <summary>
/// A member's purchases: how many (returned in full: not counted) and the spend net of returns, ever and over the
/// last 12 months, and when they first and last bought.
/// </summary>
public sealed record PurchaseTotals(
    int Purchases,
    decimal Spend,
    Instant? First,
    Instant? Last,
    int PurchasesLast12Months,
    decimal SpendLast12Months
)
{
    public static readonly PurchaseTotals None = new(0, 0m, null, null, 0, 0m);
}

/// <summary>The points a member earned, redeemed (net of cancellations), lost to returns and saw expire.</summary>
public sealed record PointsTotals(long Earned, long Redeemed, long Reversed, long Expired)
{
    public static PointsTotals Of(PointsFlow flow) =>
        new(
            flow.Earned,
            -(flow.Redeemed + flow.HoldsCaptured) - flow.RedemptionsCancelled,
            -flow.Reversed,
            -flow.Expired
        );
}

/// <summary>
/// What a program manager reads about one member. <see cref="Stage"/> is the stage today, from the member's account;
/// the segment is the last night's. The average order value is the spend over the purchases, rounded to the cent
/// half away from zero. <see cref="Tags"/> are those automations put on the member.
/// </summary>
public sealed record MemberInsight(
    Guid MemberId,
    Instant AsOf,
    string TimeZone,
    string? Stage,
    LocalDate? StageSince,
    string? Segment,
    RfmScore? Scores,
    LocalDate? ScoredOn,
    Instant? FirstPurchaseAt,
    Instant? LastPurchaseAt,
    int? DaysSinceLastPurchase,
    int Purchases,
    Money Spend,
    Money? AverageOrderValue,
    int PurchasesLast12Months,
    Money SpendLast12Months,
    PointsTotals Points,
    string? EarnedTier,
    IReadOnlyList<string> Tags
)
{
    public static MemberInsight Of(
        PointsAccount account,
        PointsTotals points,
        PurchaseTotals purchases,
        SegmentVerdict? segment,
        ProgramSettings program,
        Instant now
    )
    {
        var zone = DateTimeZoneProviders.Tzdb[program.TimeZone];
        var today = now.InZone(zone).Date;
        var lastDay = account.LastPurchaseAt?.InZone(zone).Date;
        var stage = account.Closed
            ? null
            : Lifecycle.StageAt(account.EnrolledAt, account.LastPurchaseAt, now, zone, program.Lifecycle);
        var money = (decimal amount) => new Money(amount, program.Currency);
        return new(
            account.MemberId,
            now,
            program.TimeZone,
            stage?.Stage,
            stage?.Since,
            segment?.Segment,
            segment?.Scores,
            segment?.ScoredOn,
            purchases.First,
            purchases.Last,
            lastDay is { } day ? Period.DaysBetween(day, today) : null,
            purchases.Purchases,
            money(purchases.Spend),
            purchases.Purchases == 0
                ? null
                : money(Math.Round(purchases.Spend / purchases.Purchases, 2, MidpointRounding.AwayFromZero)),
            purchases.PurchasesLast12Months,
            money(purchases.SpendLast12Months),
            points,
            account.Tier.Earned,
            account.Tags?.Keys.Order(StringComparer.Ordinal).ToList() ?? []
        );
    }
}
