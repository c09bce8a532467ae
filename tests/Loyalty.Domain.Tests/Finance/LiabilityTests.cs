using System.Collections.Immutable;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Tests.Finance;

/// <summary>The liability's split and the deferred revenue estimate, on hand-computed examples.</summary>
public class LiabilityTests
{
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
    private static readonly Instant At = Instant.FromUtc(2027, 3, 31, 21, 30); // 23:30 on 31 March in Amsterdam

    private static readonly ProgramSettings Program = Given.Program with
    {
        TimeZone = "Europe/Amsterdam",
        PointValue = new PointValue(100, 1.50m),
    };

    private static Lot Lot(int open, int held, Instant available, Instant? expires) =>
        new("purchase:pos/" + Guid.NewGuid(), open, open, held, available, available, expires);

    private static Lots Of(params Lot[] lots) => new(lots.ToImmutableList());

    [Fact]
    public void each_lot_counts_as_available_pending_held_or_past_expiry_by_tier_and_local_month_of_expiry()
    {
        var before = At - Duration.FromDays(1);
        var gold = Of(
            Lot(100, 30, before, Instant.FromUtc(2027, 3, 31, 22, 0)), // 00:00 on 1 April: April's
            Lot(40, 0, At + Duration.FromDays(2), null) // pending, never expires
        );
        var none = Of(
            Lot(25, 5, before, At - Duration.FromMinutes(1)), // past expiry, 5 of it held
            Lot(7, 0, before, Instant.FromUtc(2050, 1, 1, 0, 0)) // beyond the months named
        );
        var parts = Liability.PartsOf("gold", gold, At, Amsterdam).Concat(Liability.PartsOf(null, none, At, Amsterdam));

        var liability = Liability.Of(parts, At, Program, Amsterdam);

        var total = liability.Total;
        Assert.Equal(
            (172L, 77L, 40L, 35L, 20L),
            (
                total.Outstanding.Points,
                total.Available.Points,
                total.Pending.Points,
                total.Held.Points,
                total.PastExpiry.Points
            )
        );
        Assert.Equal((2.58m, 1.16m), (total.Outstanding.Money, total.Available.Money)); // 1.155 rounds up
        Assert.Equal(
            [("2027-04", 100L), ("later", 7L), ("never", 40L)],
            liability.ByExpiryMonth.Select(m => (m.Month, m.Expiring.Points))
        );
        Assert.Equal(
            [(null, 32L), ("gold", 140L)],
            liability.ByTier.Select(t => (t.Tier, t.Figures.Outstanding.Points))
        );
    }

    [Fact]
    public void the_observed_rate_is_used_once_a_full_window_has_enough_and_a_set_rate_always_wins()
    {
        var window = new PointsFlow(Redeemed: -900, HoldsCaptured: -200, RedemptionsCancelled: 100, Expired: -300);
        var start = At - Duration.FromDays(365);

        var observed = BreakageEstimate.Of(At, start, window, windowFull: true, 10_000, Program);
        var young = BreakageEstimate.Of(At, start, window, windowFull: false, 10_000, Program);
        var set = BreakageEstimate.Of(At, start, window, true, 10_000, Program with { ExpectedRedemptionRate = 0.9m });

        // 300 expired of 1,000 redeemed net and 300 expired: 0.230769… → 0.2308; 10,000 × €0.015 × 0.7692.
        Assert.Equal(
            (1000L, 300L, 0.2308m, 0.7692m, "observed", 115.38m),
            (
                observed.Redeemed,
                observed.Expired,
                observed.ObservedBreakageRate,
                observed.ExpectedRedemptionRate,
                observed.RateSource,
                observed.DeferredRevenue
            )
        );
        Assert.Equal(("none", null), (young.RateSource, young.DeferredRevenue));
        // More cancelled (of redemptions before the window) than redeemed in it: nothing redeemed, not less.
        var cancelled = new PointsFlow(Redeemed: -200, RedemptionsCancelled: 700, Expired: -2000);
        var undone = BreakageEstimate.Of(At, start, cancelled, true, 10_000, Program);
        Assert.Equal(
            (0L, 1m, 0m, 0m),
            (undone.Redeemed, undone.ObservedBreakageRate, undone.ExpectedRedemptionRate, undone.DeferredRevenue)
        );
        Assert.NotNull(young.Missing);
        Assert.Equal(("setting", 135.00m), (set.RateSource, set.DeferredRevenue));
    }
}
