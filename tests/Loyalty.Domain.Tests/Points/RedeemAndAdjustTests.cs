using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Points;

public class RedeemAndAdjustTests
{
    private static readonly PointsEarned Hundred = Earned("t1", Line("1", 1, 100));

    [Fact]
    public void redeeming_takes_points_from_the_balance()
    {
        var after = Member(Hundred).Apply(m => m.Redeem(Redeem("x1", 40))).Account;
        Assert.Equal(60, after.AvailableAt(Now));
        Assert.Equal(40, after.Balance.LifetimeRedeemed);
    }

    [Fact]
    public void redeeming_more_than_available_is_refused_naming_the_available_amount()
    {
        var error = Assert.Throws<RuleBroken>(() => Member(Hundred).Redeem(Redeem("x1", 101)));
        Assert.Equal("points", error.Field);
        Assert.Contains("100", error.Reason);
    }

    [Fact]
    public void a_redemption_id_used_twice_is_a_conflict()
    {
        var member = Member(Hundred).Apply(m => m.Redeem(Redeem("x1", 10)));
        Assert.Throws<Conflict>(() => member.Redeem(Redeem("x1", 10)));
    }

    [Fact]
    public void cancelling_gives_the_points_back_once()
    {
        var member = Member(Hundred)
            .Apply(m => m.Redeem(Redeem("x1", 40)))
            .Apply(m => m.Cancel(new CancelRedemption("x1", "changed mind", Now, Till)));

        Assert.Equal(100, member.Account.AvailableAt(Now));
        Assert.Empty(member.Cancel(new CancelRedemption("x1", null, Now, Till)));
    }

    [Fact]
    public void cancelling_an_unknown_redemption_is_not_found()
    {
        Assert.Throws<NotFound>(() => Member(Hundred).Cancel(new CancelRedemption("nope", null, Now, Till)));
    }

    [Fact]
    public void a_negative_adjustment_never_takes_the_balance_below_zero()
    {
        var error = Assert.Throws<RuleBroken>(() => Member(Hundred).Adjust(Adjust("a1", -101)));
        Assert.Equal("points", error.Field);
        Assert.Equal(0, Member(Hundred).Apply(m => m.Adjust(Adjust("a1", -100))).Account.AvailableAt(Now));
    }

    [Fact]
    public void an_adjustment_needs_a_reason()
    {
        var error = Assert.Throws<InvalidInput>(() => AdjustPoints.Parse("a1", 5, " ", false, Now, Till));
        Assert.Equal("reason", error.Field);
    }

    [Fact]
    public void the_account_reconciles_after_every_kind_of_movement()
    {
        var balance = Member(Hundred)
            .Apply(m => m.Redeem(Redeem("x1", 90)))
            .Apply(m => m.Return(Return("t1", "r1", new ReturnLine("1", 1))))
            .Apply(m => m.Adjust(Adjust("a1", 30)))
            .Apply(m => m.Cancel(new CancelRedemption("x1", null, Now, Till)))
            .Account.Balance;

        Assert.Equal(
            balance.LifetimeEarned - balance.LifetimeRedeemed + balance.LifetimeAdjusted,
            balance.Outstanding - balance.Deficit
        );
        Assert.Equal(30, balance.Outstanding);
        Assert.Equal(0, balance.Deficit);
    }
}
