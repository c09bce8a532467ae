using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Rules;

public class ProgramSettingsTests
{
    private static ChangeProgramSettings Change(
        string currency = "EUR",
        decimal points = 1,
        int? expected = null,
        int? pendingDays = null
    ) => ChangeProgramSettings.Parse(currency, "Europe/Amsterdam", points, 1, expected, Now, Till, null, pendingDays);

    [Fact]
    public void a_change_records_the_next_rule_version()
    {
        var changed = (ProgramSettingsChanged)ChangeProgramSettings.Decide(Program, Change(points: 2)).Single();
        Assert.Equal(2, changed.RuleVersion);
        Assert.Equal(new EarnRate(2, 1), changed.EarnRate);
        Assert.Equal(ProgramSettings.FloorPerPurchase, changed.Rounding);
    }

    [Fact]
    public void unchanged_settings_record_nothing()
    {
        Assert.Empty(ChangeProgramSettings.Decide(Program, Change()));
    }

    [Fact]
    public void the_pending_period_expiry_and_point_value_are_part_of_the_rule_version()
    {
        var change = Change() with
        {
            PendingDays = 14,
            Expiry = ExpiryPolicy.From("end-of-year", 12),
            PointValue = PointValue.From(100, 1m),
        };
        var changed = (ProgramSettingsChanged)ChangeProgramSettings.Decide(Program, change).Single();
        var settings = ProgramSettings.Evolve(Program, changed);

        Assert.Equal(
            (2, 14, new ExpiryPolicy("end-of-year", 12), new PointValue(100, 1m)),
            (settings.RuleVersion, settings.PendingDays, settings.Expiry, settings.PointValue)
        );
        Assert.Empty(ChangeProgramSettings.Decide(settings, Change())); // left out: unchanged
    }

    [Fact]
    public void settings_recorded_before_expiry_existed_read_as_never_expiring()
    {
        var old = new ProgramSettingsChanged(
            1,
            "EUR",
            "Europe/Amsterdam",
            new EarnRate(1, 1),
            ProgramSettings.FloorPerPurchase,
            Now,
            Till
        );
        var settings = ProgramSettings.Evolve(ProgramSettings.None, old);
        Assert.Equal(
            (0, ExpiryPolicy.Never, (PointValue?)null),
            (settings.PendingDays, settings.Expiry, settings.PointValue)
        );
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(366)]
    public void a_pending_period_out_of_range_is_refused(int days) =>
        Assert.Equal("pendingDays", Assert.Throws<InvalidInput>(() => Change(pendingDays: days)).Field);

    [Fact]
    public void a_stale_rule_version_is_refused()
    {
        Assert.Throws<StaleVersion>(() => ChangeProgramSettings.Decide(Program, Change(points: 2, expected: 0)));
    }

    [Theory]
    [InlineData("eur", 1, "currency")]
    [InlineData("EUR", 0, "earnRate.points")]
    public void bad_settings_are_refused_naming_the_field(string currency, decimal points, string field)
    {
        Assert.Equal(
            field,
            Assert.Throws<InvalidInput>(() => ChangeProgramSettings.Decide(Program, Change(currency, points))).Field
        );
    }

    [Fact]
    public void the_first_settings_are_version_one()
    {
        var changed = (ProgramSettingsChanged)ChangeProgramSettings.Decide(ProgramSettings.None, Change()).Single();
        Assert.Equal(1, changed.RuleVersion);
    }
}
