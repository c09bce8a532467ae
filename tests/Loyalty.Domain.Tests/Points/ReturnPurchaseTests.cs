using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Points;

public class ReturnPurchaseTests
{
    // 30 + 4 = 34
    private static readonly PointsEarned ThreeShirts = Earned("t1", Line("shirt", 3, 10), Line("sock", 1, 4.50m));

    [Fact]
    public void returning_lines_reverses_exactly_what_they_earned()
    {
        var member = Member(ThreeShirts);
        var reversed = member
            .Return(Return("t1", "r1", new ReturnLine("shirt", 3), new ReturnLine("sock", 1)))
            .Single();

        Assert.Equal(34, reversed.Points);
        Assert.Equal(34, reversed.TakenFromBalance);
        Assert.Equal(0, member.Then([reversed]).Account.AvailableAt(Now));
    }

    [Fact]
    public void partial_returns_never_exceed_and_a_full_return_equals_what_was_earned()
    {
        var member = Member(Earned("t1", Line("a", 3, 3.33m))); // 9.99 → 9 points
        var total = 0;
        foreach (var id in new[] { "r1", "r2", "r3" })
        {
            var reversed = member.Return(Return("t1", id, new ReturnLine("a", 1))).Single();
            total += reversed.Points;
            Assert.True(total <= 9);
            member.Then([reversed]);
        }
        Assert.Equal(9, total);
    }

    [Fact]
    public void returning_more_than_was_bought_is_refused()
    {
        var member = Member(ThreeShirts).Apply(m => m.Return(Return("t1", "r1", new ReturnLine("shirt", 2))));

        var error = Assert.Throws<RuleBroken>(() => member.Return(Return("t1", "r2", new ReturnLine("shirt", 2))));
        Assert.Equal("lines[0].quantity", error.Field);
    }

    [Fact]
    public void points_already_spent_become_a_deficit_and_the_balance_stays_at_zero()
    {
        var member = Member(ThreeShirts, new PointsRedeemed(MemberId, "x", 30, "mug", null, Now, Till));
        var reversed = member.Return(Return("t1", "r1", new ReturnLine("shirt", 3))).Single();
        var after = member.Then([reversed]).Account;

        Assert.Equal(4, reversed.TakenFromBalance);
        Assert.Equal(26, reversed.AddedToDeficit);
        Assert.Equal(0, after.AvailableAt(Now));
        Assert.Equal(26, after.Balance.Deficit);
    }

    [Fact]
    public void an_unknown_purchase_is_not_found()
    {
        Assert.Throws<NotFound>(() => Member().Return(Return("t9", "r1", new ReturnLine("a", 1))));
    }

    [Fact]
    public void another_members_purchase_is_not_found()
    {
        var someoneElses = Member(ThreeShirts).PurchaseOf("t1")! with { MemberId = Guid.NewGuid() };
        Assert.Throws<NotFound>(() =>
            ReturnPurchase.Decide(Member().Account, someoneElses, Return("t1", "r1", new ReturnLine("shirt", 1)))
        );
    }

    [Fact]
    public void an_unknown_line_is_refused()
    {
        var error = Assert.Throws<RuleBroken>(() =>
            Member(ThreeShirts).Return(Return("t1", "r1", new ReturnLine("hat", 1)))
        );
        Assert.Equal("lines[0].lineId", error.Field);
    }

    [Fact]
    public void a_return_id_used_twice_is_a_conflict()
    {
        var member = Member(ThreeShirts).Apply(m => m.Return(Return("t1", "r1", new ReturnLine("shirt", 1))));
        Assert.Throws<Conflict>(() => member.Return(Return("t1", "r1", new ReturnLine("shirt", 1))));
    }
}
