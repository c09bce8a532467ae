using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Rules;

/// <summary>
/// Changes the program's rule on a host and database of its own, so other tests keep earning at 1 point per 1.00.
/// </summary>
public class ProgramSettingsTests(LoyaltyApp app)
{
    [Fact]
    public async Task a_new_earn_rate_is_a_new_rule_version_that_later_earnings_name()
    {
        await using var isolated = await app.StartHostOnFreshDatabaseAsync();
        var member = await isolated.WithEnrolledMember();
        var before = await isolated.Post("/purchases", Purchase(member, NewId("T"), Line("1", 1, 10)));

        var changed = await isolated.Put(
            "/program/settings",
            new
            {
                currency = "EUR",
                timeZone = "Europe/Amsterdam",
                earnRate = new { points = 3, perAmount = 2 },
                expectedRuleVersion = 1,
            }
        );
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
    public async Task the_pending_period_expiry_policy_and_point_value_are_set_with_the_rule()
    {
        await using var isolated = await app.StartHostOnFreshDatabaseAsync();
        var changed = await isolated.Put(
            "/program/settings",
            new
            {
                currency = "EUR",
                timeZone = "Europe/Amsterdam",
                earnRate = new { points = 1, perAmount = 1 },
                pendingDays = 14,
                expiry = new { kind = "end-of-quarter", months = 12 },
                pointValue = new { points = 100, amount = 1.00m },
            }
        );

        Assert.Equal(200, changed.Status);
        var read = await isolated.Get("/program/settings");
        Assert.Equal(2, read.Get<int>("ruleVersion"));
        Assert.Equal(14, read.Get<int>("pendingDays"));
        Assert.Equal("end-of-quarter", read["expiry"]["kind"]!.GetValue<string>());
        Assert.Equal(12, read["expiry"]["months"]!.GetValue<int>());
        Assert.Equal(100, read["pointValue"]["points"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("soon", 12, "expiry.kind")]
    [InlineData("rolling", 0, "expiry.months")]
    public async Task an_expiry_policy_that_makes_no_sense_is_refused_and_changes_nothing(
        string kind,
        int months,
        string field
    )
    {
        var before = (await app.Host.Get("/program/settings")).Get<int>("ruleVersion");
        var refused = await app.Host.Put(
            "/program/settings",
            new
            {
                currency = "EUR",
                timeZone = "Europe/Amsterdam",
                earnRate = new { points = 1, perAmount = 1 },
                expiry = new { kind, months },
            }
        );
        Assert.Equal(400, refused.Status);
        Assert.Equal(field, refused.Field);
        Assert.Equal(before, (await app.Host.Get("/program/settings")).Get<int>("ruleVersion"));
    }

    [Fact]
    public async Task unchanged_settings_keep_the_rule_version()
    {
        var current = await app.Host.Get("/program/settings");
        var same = await app.Host.Put(
            "/program/settings",
            new
            {
                currency = current.Get<string>("currency"),
                timeZone = current.Get<string>("timeZone"),
                earnRate = new { points = 1, perAmount = 1 },
            }
        );
        Assert.Equal(200, same.Status);
        Assert.Equal(current.Get<int>("ruleVersion"), same.Get<int>("ruleVersion"));
    }
}
