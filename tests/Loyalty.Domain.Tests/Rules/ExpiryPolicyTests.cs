using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace Loyalty.Domain.Tests.Rules;

public class ExpiryPolicyTests
{
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    private static Instant At(string iso) => InstantPattern.ExtendedIso.Parse(iso).Value;

    private static LocalDate Day(string iso) => LocalDatePattern.Iso.Parse(iso).Value;

    [Theory]
    [InlineData("rolling", 12, "2026-05-15", "2027-05-15")]
    [InlineData("rolling", 1, "2027-01-31", "2027-02-28")]
    [InlineData("end-of-quarter", 12, "2026-05-15", "2027-06-30")]
    [InlineData("end-of-quarter", 1, "2026-12-15", "2027-03-31")]
    [InlineData("end-of-year", 12, "2026-05-15", "2027-12-31")]
    [InlineData("end-of-year", 6, "2026-05-15", "2026-12-31")]
    [InlineData("activity", 6, "2026-08-31", "2027-02-28")]
    public void the_last_day_follows_the_policy(string kind, int months, string earned, string lastDay) =>
        Assert.Equal(Day(lastDay), ExpiryPolicy.From(kind, months).LastDay(Day(earned)));

    [Fact]
    public void points_that_never_expire_have_no_last_day() =>
        Assert.Null(ExpiryPolicy.Never.ExpiresAt(At("2026-05-15T10:00:00Z"), Amsterdam));

    [Fact]
    public void a_lot_expires_at_the_end_of_its_last_day_in_the_programs_zone()
    {
        // 2027-03-31 is summer time in Amsterdam (UTC+2): the day ends at 22:00 UTC.
        var expires = ExpiryPolicy.From("end-of-quarter", 3).ExpiresAt(At("2026-12-20T12:00:00Z"), Amsterdam);
        Assert.Equal(At("2027-03-31T22:00:00Z"), expires);
    }

    [Fact]
    public void the_local_date_of_the_earning_counts_not_the_utc_date()
    {
        // 23:30 UTC on 30 November is 1 December in Amsterdam; a month later is January, so the points last to the end
        // of 2027 (counted from the UTC date they would have expired at the end of 2026).
        var expires = ExpiryPolicy.From("end-of-year", 1).ExpiresAt(At("2026-11-30T23:30:00Z"), Amsterdam);
        Assert.Equal(At("2027-12-31T23:00:00Z"), expires);
    }

    [Fact]
    public void an_expiry_across_a_daylight_saving_change_keeps_local_midnight()
    {
        // Earned in winter time (UTC+1), last day in summer time (UTC+2): still the end of the local day.
        var expires = ExpiryPolicy.From("rolling", 4).ExpiresAt(At("2026-11-28T15:00:00Z"), Amsterdam);
        Assert.Equal(At("2027-03-28T22:00:00Z"), expires);
        Assert.Equal(new LocalDateTime(2027, 3, 29, 0, 0), expires!.Value.InZone(Amsterdam).LocalDateTime);
    }

    [Fact]
    public void the_programs_zone_decides_not_the_members()
    {
        // The same instant is 25 May in Auckland and 24 May in Amsterdam; the program is in Amsterdam.
        var earned = At("2026-05-24T13:00:00Z");
        var policy = ExpiryPolicy.From("rolling", 1);
        Assert.Equal(Day("2026-06-24"), policy.LastDay(earned.InZone(Amsterdam).Date));
        Assert.Equal(At("2026-06-24T22:00:00Z"), policy.ExpiresAt(earned, Amsterdam));
    }

    [Theory]
    [InlineData("soon", 12, "expiry.kind")]
    [InlineData("rolling", 0, "expiry.months")]
    [InlineData("rolling", 121, "expiry.months")]
    [InlineData(null, 12, "expiry.kind")]
    public void a_policy_that_makes_no_sense_is_refused(string? kind, int months, string field) =>
        Assert.Equal(field, Assert.Throws<InvalidInput>(() => ExpiryPolicy.From(kind, months)).Field);
}
