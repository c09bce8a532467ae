using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Points;

public class RecordPurchaseTests
{
    [Fact]
    public void a_purchase_earns_the_floor_of_what_was_paid_after_discounts()
    {
        var earned = Member().Record(Purchase("t1", Line("1", 2, 10.40m, 1.00m), Line("2", 1, 5.30m))).Single();

        Assert.Equal(25, earned.Points); // 19.80 + 5.30 = 25.10, floored once
        Assert.Equal(25.10m, earned.AmountPaid);
        Assert.Equal([20, 5], earned.Lines.Select(l => l.Points));
        Assert.Equal(1, earned.RuleVersion);
        Assert.Equal("pos", earned.Source);
        Assert.Equal(Till, earned.By);
    }

    [Fact]
    public void line_points_add_up_to_the_purchase_points_by_largest_remainder()
    {
        var earned = Member()
            .Record(Purchase("t1", Line("a", 1, 0.40m), Line("b", 1, 0.70m), Line("c", 1, 0.50m)))
            .Single();

        Assert.Equal(1, earned.Points); // 1.60 floors to 1
        Assert.Equal([0, 1, 0], earned.Lines.Select(l => l.Points)); // b has the largest fraction
    }

    [Fact]
    public void the_earn_rate_of_the_current_rule_version_applies()
    {
        var program = Program with { RuleVersion = 3, EarnRate = new EarnRate(3, 2) }; // 3 points per 2.00
        var earned = Member().Record(Purchase("t1", Line("1", 1, 9.99m)), program).Single();

        Assert.Equal(14, earned.Points); // 14.985 floors to 14
        Assert.Equal(3, earned.RuleVersion);
    }

    [Fact]
    public void earning_settles_a_deficit_first()
    {
        var member = Member(
                Earned("t1", Line("1", 1, 50)),
                new PointsRedeemed(MemberId, "x", 50, "mug", null, Now, Till)
            )
            .Apply(m => m.Return(Return("t1", "r1", new ReturnLine("1", 1))));
        Assert.Equal(50, member.Account.Balance.Deficit);

        var earned = member.Record(Purchase("t2", Line("1", 1, 80))).Single();
        var after = member.Then([earned]).Account;

        Assert.Equal(50, earned.DeficitSettled);
        Assert.Equal(30, after.AvailableAt(Now));
        Assert.Equal(0, after.Balance.Deficit);
    }

    [Fact]
    public void a_purchase_in_another_currency_is_refused()
    {
        var error = Assert.Throws<RuleBroken>(() =>
            Member().Record(Purchase("t1", Line("1", 1, 5)) with { Currency = "USD" })
        );
        Assert.Equal("currency", error.Field);
    }

    [Fact]
    public void a_closed_member_earns_nothing()
    {
        var error = Assert.Throws<RuleBroken>(() =>
            Member(new MemberClosed(MemberId, "moved away", Now, Till)).Record(Purchase("t1", Line("1", 1, 5)))
        );
        Assert.Equal("memberId", error.Field);
    }

    [Fact]
    public void an_unknown_member_earns_nothing()
    {
        Assert.Throws<NotFound>(() => new History([]).Record(Purchase("t1", Line("1", 1, 5))));
    }

    [Fact]
    public void the_same_transaction_twice_is_a_conflict()
    {
        Assert.Throws<Conflict>(() => Member(Earned("t1", Line("1", 1, 5))).Record(Purchase("t1", Line("1", 1, 5))));
    }

    [Theory]
    [InlineData(0, 1, 0, "lines[0].quantity")]
    [InlineData(1, -1, 0, "lines[0].unitPrice")]
    [InlineData(1, 1, -1, "lines[0].discount")]
    [InlineData(1, 1, 2, "lines[0].discount")]
    public void malformed_lines_are_refused_naming_the_field(
        decimal quantity,
        decimal unitPrice,
        decimal discount,
        string field
    )
    {
        var error = Assert.Throws<InvalidInput>(() =>
            Member().Record(Purchase("t1", Line("1", quantity, unitPrice, discount)))
        );
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void a_purchase_from_the_future_is_refused()
    {
        var error = Assert.Throws<InvalidInput>(() =>
            RecordPurchase.Parse(
                "pos",
                "t1",
                "store-1",
                Now + NodaTime.Duration.FromHours(1),
                "EUR",
                [Line("1", 1, 5)],
                Now,
                Till
            )
        );
        Assert.Equal("occurredAt", error.Field);
    }

    [Fact]
    public void control_characters_in_ids_are_refused()
    {
        var error = Assert.Throws<InvalidInput>(() => Member().Record(Purchase("t\u00001", Line("1", 1, 5))));
        Assert.Equal("transactionId", error.Field);
    }

    [Fact]
    public void repeated_line_ids_are_refused()
    {
        var error = Assert.Throws<InvalidInput>(() =>
            Member().Record(Purchase("t1", Line("1", 1, 5), Line("1", 1, 5)))
        );
        Assert.Equal("lines[1].lineId", error.Field);
    }
}
