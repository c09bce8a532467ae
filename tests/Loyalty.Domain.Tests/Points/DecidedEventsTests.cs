using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Points;

/// <summary>
/// Given these events, when this command, then exactly these events: every field, worked out by hand.
/// </summary>
public class DecidedEventsTests
{
    private static readonly LotTake FromT1 = new("purchase:pos/t1", 40, Now, Now, null);

    [Fact]
    public void a_purchase_earns_one_floor_of_what_was_paid()
    {
        // 2 × 10.40 − 1.00 = 19.80 paid: 19 points at 1 point a euro, floored once.
        var decided = Member().Record(Purchase("t1", Line("1", 2, 10.40m, 1.00m)));

        var line = new EarnedLine("1", "sku-1", "grocery", 2, 10.40m, 1.00m, 19.80m, 19, 19);
        IMemberEvent[] expected =
        [
            new PointsEarned(
                MemberId,
                "pos",
                "t1",
                "store-1",
                "EUR",
                19.80m,
                [line],
                19,
                0,
                1,
                new EarnRate(1, 1),
                Now,
                Now,
                Till,
                AvailableAt: Now,
                ExpiresAt: null,
                OpenLotsExpireAt: null,
                BasePoints: 19,
                Multipliers: []
            ),
        ];
        Assert.Equivalent(expected, decided, strict: true);
    }

    [Fact]
    public void a_redemption_takes_its_points_from_the_purchase_lot()
    {
        var decided = Member(Earned("t1", Line("1", 1, 100))).Redeem(Redeem("x1", 40));

        IMemberEvent[] expected =
        [
            new PointsRedeemed(MemberId, "x1", 40, "coffee", "app", Now, Till, [FromT1], null, null),
        ];
        Assert.Equivalent(expected, decided, strict: true);
    }

    [Fact]
    public void a_cancellation_gives_the_points_back_to_their_lot_and_a_second_one_decides_nothing()
    {
        var member = Member(Earned("t1", Line("1", 1, 100))).Apply(m => m.Redeem(Redeem("x1", 40)));

        var cancelled = member.Cancel(new CancelRedemption("x1", "changed mind", Now, Till));

        IMemberEvent[] expected =
        [
            new RedemptionCancelled(MemberId, "x1", 40, 0, "changed mind", Now, Till, [FromT1], []),
        ];
        Assert.Equivalent(expected, cancelled, strict: true);
        Assert.Empty(member.Then(cancelled).Cancel(new CancelRedemption("x1", null, Now, Till)));
    }

    [Fact]
    public void a_return_after_the_points_were_spent_leaves_a_deficit()
    {
        // 30 earned, 25 spent: returning the whole line takes the 5 left and owes 25.
        var member = Member(Earned("t1", Line("1", 3, 10))).Apply(m => m.Redeem(Redeem("x1", 25)));

        var decided = member.Return(Return("t1", "r1", new ReturnLine("1", 3)));

        IMemberEvent[] expected =
        [
            new PointsReversed(
                MemberId,
                "pos",
                "t1",
                "r1",
                [new ReversedLine("1", 3, 30)],
                30,
                5,
                25,
                Now,
                Now,
                Till,
                [new LotTake("purchase:pos/t1", 5, Now, Now, null)],
                new Domain.Tiers.QualifyingActivity(Now, -30, -30m, -1)
            ),
        ];
        Assert.Equivalent(expected, decided, strict: true);
    }

    [Fact]
    public void many_lots_are_consolidated_by_an_event_the_write_decides()
    {
        var member = new History([Enrolled() with { ConsolidationRecorded = true }]);
        for (var i = 0; i <= 2 * ConsolidateLots.SeparateLots; i++)
            member.Then(ConsolidateLots.Following(member.Account, member.Record(Purchase($"t{i}", Line("1", 1, 1)))));

        var consolidated = Assert.IsType<LotsConsolidated>(member.Events[^1]);

        // 201 lots of 1 point: all but the newest 100 merge into one lot that never expires.
        Assert.Equal(101, consolidated.Merged.Count);
        Assert.Equivalent(new[] { new Lot("consolidated:never", 101, 101, 0, Now, Now, null) }, consolidated.Into);
        Assert.Equal(101, member.Account.Lots.Items.Count);
        Assert.Equal(201, member.Account.AvailableAt(Now));
    }
}
