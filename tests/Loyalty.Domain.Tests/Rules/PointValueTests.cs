using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;

namespace Loyalty.Domain.Tests.Rules;

public class PointValueTests
{
    private static readonly PointValue HundredPerEuro = PointValue.From(100, 1.00m);

    [Theory]
    [InlineData(12.34, 1234)]
    [InlineData(0.01, 1)]
    public void covering_an_exact_amount_takes_exact_points(decimal amount, long points) =>
        Assert.Equal(points, HundredPerEuro.PointsFor(amount));

    [Fact]
    public void points_needed_are_rounded_up_to_a_whole_point()
    {
        var threePerEuro = PointValue.From(3, 1.00m);
        Assert.Equal(4, threePerEuro.PointsFor(1.01m)); // 3.03 points
        Assert.Equal(1.00m, threePerEuro.ValueOf(3));
    }

    [Fact]
    public void the_value_of_points_is_rounded_down_to_the_cent()
    {
        var threePerEuro = PointValue.From(3, 1.00m);
        Assert.Equal(0.33m, threePerEuro.ValueOf(1)); // 0.333…
        Assert.Equal(0.66m, threePerEuro.ValueOf(2)); // 0.666…
        Assert.Equal(12.34m, HundredPerEuro.ValueOf(1234));
    }

    [Fact]
    public void an_amount_in_another_currency_is_refused_as_a_broken_rule() =>
        Assert.Equal(
            "currency",
            Assert.Throws<RuleBroken>(() => PointsOrMoney.Parse(null, 10m, "USD").In(Given.Program)).Field
        );

    [Theory]
    [InlineData(0, "amount")]
    [InlineData(-1, "amount")]
    [InlineData(1.001, "amount")]
    public void an_amount_that_is_not_money_is_refused(decimal amount, string field) =>
        Assert.Equal(field, Assert.Throws<InvalidInput>(() => PointValue.CheckedAmount(amount, "amount")).Field);
}
