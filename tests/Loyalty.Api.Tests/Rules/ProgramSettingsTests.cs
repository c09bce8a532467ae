using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Rules;

/// <summary>Changes the program's rule on a host and database of its own, so other tests keep earning at 1 point per 1.00.</summary>
public class ProgramSettingsTests(LoyaltyApp app)
{
    [Fact]
    public async Task a_new_earn_rate_is_a_new_rule_version_that_later_earnings_name()
    {
        await using var isolated = await app.StartHostOnFreshDatabaseAsync();
        var member = await isolated.WithEnrolledMember();
        var before = await isolated.Post("/purchases", Purchase(member, NewId("T"), Line("1", 1, 10)));

        var changed = await isolated.Put("/program/settings", new
        {
            currency = "EUR", timeZone = "Europe/Amsterdam", earnRate = new { points = 3, perAmount = 2 }, expectedRuleVersion = 1
        });
        var after = await isolated.Post("/purchases", Purchase(member, NewId("T"), Line("1", 1, 9.99m)));

        Assert.Equal(200, changed.Status);
        Assert.Equal(2, changed.Get<int>("ruleVersion"));
        Assert.Equal("floor-per-purchase", changed.Get<string>("rounding"));
        Assert.Equal(1, before.Get<int>("ruleVersion"));
        Assert.Equal(2, after.Get<int>("ruleVersion"));
        Assert.Equal(14, after.Get<int>("pointsEarned")); // 9.99 × 3 / 2 = 14.985, floored
        Assert.Equal(2, (await isolated.Get("/program/settings")).Get<int>("ruleVersion"));
    }

    [Fact]
    public async Task unchanged_settings_keep_the_rule_version()
    {
        var current = await app.Host.Get("/program/settings");
        var same = await app.Host.Put("/program/settings", new
        {
            currency = current.Get<string>("currency"), timeZone = current.Get<string>("timeZone"),
            earnRate = new { points = 1, perAmount = 1 }
        });
        Assert.Equal(200, same.Status);
        Assert.Equal(current.Get<int>("ruleVersion"), same.Get<int>("ruleVersion"));
    }
}
