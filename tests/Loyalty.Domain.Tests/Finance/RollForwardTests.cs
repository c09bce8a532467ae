using Loyalty.Domain.Finance;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Tests.Finance;

/// <summary>The roll-forward's arithmetic, on hand-computed examples in Amsterdam's days and months.</summary>
public class RollForwardTests
{
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    private static readonly ProgramSettings Program = Given.Program with { PointValue = new PointValue(100, 1.00m) };

    private static (Instant, PointsFlow) At(int month, int day, int hour, int minute, PointsFlow flow) =>
        (Instant.FromUtc(2027, month, day, hour, minute), flow);

    [Fact]
    public void days_of_23_and_25_hours_count_what_happened_in_them_and_each_closing_opens_the_next_day()
    {
        // Summer time starts on 28 March 2027 (02:00 → 03:00) and ends on 31 October (03:00 → 02:00).
        var flows = new[]
        {
            At(3, 1, 12, 0, new(Purchases: 1000)), // before the period: the opening
            At(3, 27, 22, 45, new(Purchases: 100)), // 23:45 on the 27th in Amsterdam
            At(3, 27, 23, 0, new(Purchases: 40, DeficitsSettled: -10)), // 00:00 on the 28th
            At(3, 28, 21, 45, new(Redeemed: -30)), // 23:45 on the 28th, summer time
            At(3, 28, 22, 0, new(Expired: -5)), // 00:00 on the 29th
            At(10, 30, 22, 0, new(Campaigns: 7)), // 00:00 on 31 October, summer time
            At(10, 31, 22, 45, new(Reversed: -3)), // 23:45 on the 31st, winter time
            At(10, 31, 23, 0, new(Referrals: 500)), // 00:00 on 1 November
        };

        var march = RollForward.Of(flows, new(2027, 3, 27), new(2027, 3, 29), RollForward.Day, Amsterdam, _ => Program);
        var october = RollForward.Of(
            flows,
            new(2027, 10, 31),
            new(2027, 10, 31),
            RollForward.Day,
            Amsterdam,
            _ => Program
        );

        Assert.Equal([24, 23, 24], march.Select(r => (int)(r.End - r.Start).TotalHours));
        Assert.Equal(
            [(1000L, 100L, 1100L), (1100L, 40L - 10 - 30, 1100L), (1100L, -5L, 1095L)],
            march.Select(r => (r.Opening.Points, r.Closing.Points - r.Opening.Points, r.Closing.Points))
        );
        Assert.Equal(
            (40, -10, -30),
            (march[1].Purchases.Points, march[1].DeficitsSettled.Points, march[1].Redeemed.Points)
        );
        var last = Assert.Single(october);
        Assert.Equal(25, (last.End - last.Start).TotalHours);
        Assert.Equal(
            (1095L, 7L, -3L, 1095L + 7 - 3),
            (last.Opening.Points, last.Campaigns.Points, last.Reversed.Points, last.Closing.Points)
        );
        Assert.Equal(0, last.Referrals.Points);
    }

    [Fact]
    public void a_month_row_adds_its_days_and_money_is_the_point_value_then_rounded_to_the_cent()
    {
        var flows = new[] { At(3, 2, 9, 0, new(Purchases: 250)), At(3, 30, 9, 0, new(Redeemed: -101)) };
        var value = Given.Program with { PointValue = new PointValue(3, 1.00m) };

        var month = Assert.Single(
            RollForward.Of(flows, new(2027, 3, 1), new(2027, 3, 31), RollForward.Month, Amsterdam, _ => value)
        );

        Assert.Equal("2027-03", month.Period);
        Assert.Equal((250L, -101L, 149L), (month.Purchases.Points, month.Redeemed.Points, month.Closing.Points));
        // 250 ÷ 3 = 83.333… → 83.33; −101 ÷ 3 = −33.666… → −33.67; 149 ÷ 3 = 49.666… → 49.67.
        Assert.Equal((83.33m, -33.67m, 49.67m), (month.Purchases.Money, month.Redeemed.Money, month.Closing.Money));
        Assert.Equal("EUR", month.Currency);
        var noValue = RollForward.Of(
            flows,
            new(2027, 3, 1),
            new(2027, 3, 31),
            RollForward.Month,
            Amsterdam,
            _ => Given.Program
        );
        Assert.Equal((null, null), (noValue[0].Currency, noValue[0].Closing.Money));
    }

    [Fact]
    public void the_earned_column_adds_the_five_kinds_of_earning()
    {
        var flow = new PointsFlow(1, 2, 3, 4, 5, 6, -7, -8, -9, -10, -11, -12);

        Assert.Equal(15, flow.Earned);
        Assert.Equal(15 + 6 - 7 - 8 - 9 - 10 - 11 - 12, flow.Net);
    }
}
