using System.Collections.Immutable;
using Loyalty.Domain.Points;
using NodaTime;

namespace Loyalty.Domain.Tests.Points;

public class LotsTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 24, 12, 0);

    private static string Id(string purchase) =>
        Loyalty.Domain.Points.Lot.IdFor(new LotSource(LotSource.Purchase, purchase));

    private static Lot Lot(string purchase, int points, int daysAgo, int? expiresInDays, int pendingDays = 0) =>
        new(
            Id(purchase),
            points,
            points,
            0,
            Now - Duration.FromDays(daysAgo),
            Now - Duration.FromDays(daysAgo) + Duration.FromDays(pendingDays),
            expiresInDays is { } d ? Now + Duration.FromDays(d) : null
        );

    private static Lots Of(params Lot[] lots) => new(lots.ToImmutableList());

    [Fact]
    public void points_are_taken_soonest_expiring_first_then_oldest_then_never_expiring()
    {
        var lots = Of(
            Lot("never", 50, 30, null),
            Lot("late", 50, 20, 90),
            Lot("soon-new", 20, 5, 10),
            Lot("soon-old", 20, 40, 10)
        );

        var taken = lots.Take(100, Now)!;

        Assert.Equal(new[] { "soon-old", "soon-new", "late", "never" }.Select(Id), taken.Select(t => t.LotId));
        Assert.Equal([20, 20, 50, 10], taken.Select(t => t.Points));
    }

    [Fact]
    public void pending_and_expired_and_held_points_are_not_available()
    {
        var held = Lot("held", 30, 3, 30) with { Held = 10 };
        var lots = Of(Lot("pending", 40, 2, 60, pendingDays: 14), Lot("lapsed", 25, 400, -1), held);

        Assert.Equal(20, lots.Available(Now));
        Assert.Equal(40, lots.Pending(Now));
        Assert.Equal(10, lots.Held());
        Assert.Equal(25, lots.Lapsed(Now));
        Assert.Null(lots.Take(21, Now));
    }

    [Fact]
    public void a_pending_lot_becomes_available_on_its_date()
    {
        var lots = Of(Lot("pending", 40, 2, 60, pendingDays: 14));
        var later = Now + Duration.FromDays(12);
        Assert.Equal(0, lots.Available(later - Duration.FromSeconds(1)));
        Assert.Equal(40, lots.Available(later));
    }

    [Fact]
    public void a_closed_lot_reopens_with_its_original_dates_when_points_come_back()
    {
        var lot = Lot("a", 30, 10, 20);
        var taken = Of(lot).Take(30, Now)!;
        var closed = Of(lot).Remove(taken);
        Assert.Empty(closed.Items);

        var reopened = closed.Restore(taken);

        var back = Assert.Single(reopened.Items);
        Assert.Equal(
            (lot.LotId, 30, lot.EarnedAt, lot.ExpiresAt),
            (back.LotId, back.Open, back.EarnedAt, back.ExpiresAt)
        );
        Assert.Equal(lot.Source(), back.Source());
    }

    [Fact]
    public void due_lots_leave_held_points_to_their_hold()
    {
        var lots = Of(Lot("lapsed", 25, 400, -1) with { Held = 5 }, Lot("fine", 10, 1, 100));
        var due = Assert.Single(lots.Due(Now));
        Assert.Equal((Id("lapsed"), 20), (due.LotId, due.Points));
    }

    [Fact]
    public void many_lots_consolidate_by_expiry_keeping_the_newest_pending_and_held_ones_apart()
    {
        var lots = Of(
            Lot("a", 10, 50, null),
            Lot("b", 20, 40, 30),
            Lot("c", 30, 30, null),
            Lot("d", 40, 20, 30) with
            {
                Held = 5,
            },
            Lot("e", 50, 1, null, pendingDays: 14),
            Lot("f", 60, 3, null),
            Lot("g", 70, 2, 30)
        );

        Assert.Null(lots.Consolidation(Now, keep: 4)); // not past twice the lots kept
        var (merged, into) = lots.Consolidation(Now, keep: 3)!.Value;
        var consolidated = lots.Consolidate(merged, into);

        Assert.Equal(
            [
                "consolidated:" + (Now + Duration.FromDays(30)).ToUnixTimeMilliseconds(),
                "consolidated:never",
                Id("d"),
                Id("e"),
                Id("f"),
                Id("g"),
            ],
            consolidated.Items.Select(l => l.LotId).Order(StringComparer.Ordinal)
        );
        Assert.Equal(40, consolidated.Find("consolidated:never")!.Open);
        Assert.Equal(
            (lots.Open(), lots.Held(), lots.Available(Now)),
            (consolidated.Open(), consolidated.Held(), consolidated.Available(Now))
        );
    }
}
