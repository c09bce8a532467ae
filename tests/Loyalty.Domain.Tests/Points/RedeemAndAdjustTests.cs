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
        var account = AccountWith(Hundred);
        var after = account.Then(RedeemPoints.Decide(account, Redeem("x1", 40)));
        Assert.Equal(60, after.Available);
        Assert.Equal(40, after.Balance.LifetimeRedeemed);
    }

    [Fact]
    public void redeeming_more_than_available_is_refused_naming_the_available_amount()
    {
        var error = Assert.Throws<RuleBroken>(() => RedeemPoints.Decide(AccountWith(Hundred), Redeem("x1", 101)));
        Assert.Equal("points", error.Field);
        Assert.Contains("100", error.Reason);
    }

    [Fact]
    public void a_redemption_id_used_twice_is_a_conflict()
    {
        var account = AccountWith(Hundred);
        account = account.Then(RedeemPoints.Decide(account, Redeem("x1", 10)));
        Assert.Throws<Conflict>(() => RedeemPoints.Decide(account, Redeem("x1", 10)));
    }

    [Fact]
    public void cancelling_gives_the_points_back_once()
    {
        var account = AccountWith(Hundred);
        account = account.Then(RedeemPoints.Decide(account, Redeem("x1", 40)));
        account = account.Then(CancelRedemption.Decide(account, new CancelRedemption("x1", "changed mind", Now, Till)));

        Assert.Equal(100, account.Available);
        Assert.Empty(CancelRedemption.Decide(account, new CancelRedemption("x1", null, Now, Till)));
    }

    [Fact]
    public void cancelling_an_unknown_redemption_is_not_found()
    {
        Assert.Throws<NotFound>(() => CancelRedemption.Decide(AccountWith(Hundred), new CancelRedemption("nope", null, Now, Till)));
    }

    [Fact]
    public void a_negative_adjustment_never_takes_the_balance_below_zero()
    {
        var error = Assert.Throws<RuleBroken>(() => AdjustPoints.Decide(AccountWith(Hundred), Adjust("a1", -101)));
        Assert.Equal("points", error.Field);
        var account = AccountWith(Hundred);
        Assert.Equal(0, account.Then(AdjustPoints.Decide(account, Adjust("a1", -100))).Available);
    }

    [Fact]
    public void an_adjustment_needs_a_reason()
    {
        var error = Assert.Throws<InvalidInput>(() => AdjustPoints.Decide(AccountWith(Hundred), Adjust("a1", 5) with { Reason = " " }));
        Assert.Equal("reason", error.Field);
    }

    [Fact]
    public void the_account_reconciles_after_every_kind_of_movement()
    {
        var account = AccountWith(Hundred);
        account = account.Then(RedeemPoints.Decide(account, Redeem("x1", 90)));
        account = account.Then(ReturnPurchase.Decide(account, Return("t1", "r1", new ReturnLine("1", 1))));
        account = account.Then(AdjustPoints.Decide(account, Adjust("a1", 30)));
        account = account.Then(CancelRedemption.Decide(account, new CancelRedemption("x1", null, Now, Till)));

        Assert.Equal(account.Balance.LifetimeEarned - account.Balance.LifetimeRedeemed + account.Balance.LifetimeAdjusted, account.Balance.Available - account.Balance.Deficit);
        Assert.Equal(30, account.Available);
        Assert.Equal(0, account.Balance.Deficit);
    }
}
