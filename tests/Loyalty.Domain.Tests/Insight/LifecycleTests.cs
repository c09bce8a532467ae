using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using NodaTime;

namespace Loyalty.Domain.Tests.Insight;

public class LifecycleTests
{
    private static readonly LocalDate Enrolled = new(2026, 1, 1);
    private static readonly LifecycleThresholds Thresholds = LifecycleThresholds.Default; // 30/60/90/180

    [Theory]
    [InlineData(null, "2026-01-30", "new", "2026-01-01")] // day 29 of enrolment
    [InlineData("2026-01-20", "2026-01-31", "active", "2026-01-31")] // the new period ends on day 30
    [InlineData(null, "2026-03-01", "active", "2026-01-31")] // 59 quiet days since enrolment
    [InlineData(null, "2026-03-02", "at-risk", "2026-03-02")] // 60
    [InlineData("2026-02-10", "2026-04-10", "active", "2026-02-10")] // 59 days after the last purchase
    [InlineData("2026-02-10", "2026-04-11", "at-risk", "2026-04-11")] // 60 days
    [InlineData("2026-02-10", "2026-05-11", "dormant", "2026-05-11")] // 90 days
    [InlineData("2026-02-10", "2026-08-09", "churned", "2026-08-09")] // 180 days
    public void A_stage_follows_the_days_since_enrolment_and_the_last_purchase(
        string? lastPurchase,
        string today,
        string stage,
        string since
    )
    {
        var last = lastPurchase is null ? (LocalDate?)null : Date(lastPurchase);
        var result = Lifecycle.StageOn(Enrolled, last, Date(today), Thresholds);
        Assert.Equal(new StageOnDay(stage, Date(since)), result);
    }

    [Fact]
    public void Thresholds_must_rise_and_stay_within_bounds()
    {
        Assert.Equal(new LifecycleThresholds(14, 60, 90, 180), LifecycleThresholds.Parse(14, null, null, null, "x"));
        Assert.Equal(
            "x.dormantAfterDays",
            Assert.Throws<InvalidInput>(() => LifecycleThresholds.Parse(null, 90, 90, null, "x")).Field
        );
        Assert.Equal(
            "x.churnedAfterDays",
            Assert.Throws<InvalidInput>(() => LifecycleThresholds.Parse(null, null, 200, 180, "x")).Field
        );
        Assert.Equal(
            "x.newDays",
            Assert.Throws<InvalidInput>(() => LifecycleThresholds.Parse(0, null, null, null, "x")).Field
        );
    }

    private static LocalDate Date(string value) => NodaTime.Text.LocalDatePattern.Iso.Parse(value).Value;
}
