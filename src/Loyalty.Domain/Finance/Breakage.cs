using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Finance;

/// <summary>
/// An accounting estimate, not a fact: the revenue deferred for the outstanding points at <see cref="AsOf"/> is
/// outstanding × point value × the redemption rate expected. That rate is the program's setting, or else one minus
/// the breakage observed over the trailing window (expired ÷ (redeemed + expired), redemptions net of
/// cancellations, captured holds included), once the window is full and has at least
/// <see cref="MinimumObserved"/> points redeemed or expired. Rates have 4 decimals, half away from zero; the
/// money is rounded to the cent the same way. Null figures say what is missing in <see cref="Missing"/>.
/// </summary>
public sealed record BreakageEstimate(
    Instant AsOf,
    Instant WindowStart,
    long Redeemed,
    long Expired,
    decimal? ObservedBreakageRate,
    decimal? ExpectedRedemptionRate,
    string RateSource,
    long Outstanding,
    PointValue? PointValue,
    string? Currency,
    decimal? DeferredRevenue,
    string? Missing
)
{
    public const int WindowMonths = 12;
    public const long MinimumObserved = 1_000;
    public const string FromSetting = "setting";
    public const string Observed = "observed";
    public const string NoRate = "none";

    /// <param name="window">What moved in the trailing window.</param>
    /// <param name="windowFull">Whether the program had moved points before the window began.</param>
    public static BreakageEstimate Of(
        Instant asOf,
        Instant windowStart,
        PointsFlow window,
        bool windowFull,
        long outstanding,
        ProgramSettings program
    )
    {
        // Cancellations of redemptions made before the window could leave less than nothing redeemed in it.
        var redeemed = Math.Max(0, -(window.Redeemed + window.HoldsCaptured + window.RedemptionsCancelled));
        var expired = -window.Expired;
        decimal? breakage = redeemed + expired > 0 ? Rate((decimal)expired / (redeemed + expired)) : null;
        var observedEnough = windowFull && redeemed + expired >= MinimumObserved;
        var (rate, source) =
            program.ExpectedRedemptionRate is { } set ? (set, FromSetting)
            : observedEnough ? (1 - breakage, Observed)
            : ((decimal?)null, NoRate);
        var value = program.PointValue;
        var revenue =
            rate is { } r && value is not null
                ? decimal.Round(outstanding * value.Amount / value.Points * r, 2, MidpointRounding.AwayFromZero)
                : (decimal?)null;
        var missing =
            value is null ? "the program has no point value"
            : rate is null ? $"no expected redemption rate is set and {WindowMonths} months of history are not yet seen"
            : null;
        return new(
            asOf,
            windowStart,
            redeemed,
            expired,
            breakage,
            rate,
            source,
            outstanding,
            value,
            value is null ? null : program.Currency,
            revenue,
            missing
        );
    }

    private static decimal Rate(decimal rate) => decimal.Round(rate, 4, MidpointRounding.AwayFromZero);
}
