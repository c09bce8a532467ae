using Alba;
using Loyalty.Api.Tests.Infrastructure;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Finance;

/// <summary>
/// The finance tests' two days, from 24 November 2026, 13:00 in Amsterdam. The 24th: purchases of 120 (Ada) and
/// 50 (Grace), 30 given to Ada by hand: 200 outstanding. The 25th: Ada redeems 70, half of Grace's purchase comes
/// back (25), 10 are taken off Ada by hand with <c>debitReason</c>: 95 outstanding.
/// </summary>
public static class TwoDays
{
    public static async Task MoveAsync(IAlbaHost host, FakeClock clock, Guid ada, Guid grace, string debitReason)
    {
        Assert.Equal(
            201,
            (await host.Post("/purchases", PurchaseAt(clock.GetCurrentInstant(), ada, "T1", 120m))).Status
        );
        Assert.Equal(
            201,
            (await host.Post("/purchases", PurchaseAt(clock.GetCurrentInstant(), grace, "T2", 50m))).Status
        );
        Assert.Equal(201, (await host.Post($"/members/{ada}/adjustments", Adjustment("a1", 30, "goodwill"))).Status);
        clock.Advance(Duration.FromHours(22));
        var redemption = new
        {
            redemptionId = "r1",
            points = 70,
            reward = "voucher",
        };
        Assert.Equal(201, (await host.Post($"/members/{ada}/redemptions", redemption)).Status);
        var returned = new { returnId = "R1", lines = new[] { new { lineId = "1", quantity = 1 } } };
        Assert.Equal(201, (await host.Post("/purchases/pos-1/T2/returns", returned)).Status);
        Assert.Equal(201, (await host.Post($"/members/{ada}/adjustments", Adjustment("a2", -10, debitReason))).Status);
    }

    private static object Adjustment(string id, int points, string reason) =>
        new
        {
            adjustmentId = id,
            points,
            reason,
        };
}
