using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Referrals;

/// <summary>The program's referral rules, versioned like every program setting, on a database of their own.</summary>
public class ReferralRulesTests(LoyaltyApp app)
{
    private static object Rules(
        string trigger = "first-purchase",
        string shareLink = "https://shop.example/j/{code}"
    ) =>
        new
        {
            enabled = true,
            referrer = new { points = 500 },
            referred = new { points = 250, qualifying = true },
            trigger,
            minimumPaid = 20m,
            monthlyCap = 3,
            lifetimeCap = 20,
            velocityLimit = 5,
            velocityWindowHours = 48,
            shareLink,
        };

    [Fact]
    public async Task referral_rules_are_off_until_set_then_each_change_is_a_rule_version()
    {
        await using var host = await app.StartHostOnFreshDatabaseAsync();
        var off = await host.Get("/program/referrals/rules");
        Assert.False(off.Get<bool>("enabled"));

        var set = await host.Put("/program/referrals", Rules());

        Assert.Equal(200, set.Status);
        var version = set.Get<int>("ruleVersion");
        Assert.Equal(off.Get<int>("ruleVersion") + 1, version);
        var read = await host.Get("/program/referrals/rules");
        Assert.Equal(set.Body!.ToJsonString(), read.Body!.ToJsonString());
        Assert.Equal(
            (500, false),
            (read["referrer"]["points"]!.GetValue<int>(), read["referrer"]["qualifying"]!.GetValue<bool>())
        );
        Assert.Equal(
            ("claw-back", 48, "EUR"),
            (read.Get<string>("onReturn"), read.Get<int>("velocityWindowHours"), read.Get<string>("currency"))
        );

        var again = await host.Put("/program/referrals", Rules());
        Assert.Equal(version, again.Get<int>("ruleVersion"));

        await LoyaltyApp.CatchUp(host);
        var audit = await host.Get("/audit?kind=referral-rules-changed");
        Assert.Single(audit["entries"].AsArray());
        Assert.Contains(
            $"rule version {version}: on, 500 points to the referrer and 250 to the new member on first-purchase",
            audit.Body!.ToJsonString()
        );
    }

    [Fact]
    public async Task bad_rules_are_refused_naming_the_field_and_change_nothing()
    {
        await using var host = await app.StartHostOnFreshDatabaseAsync();
        var before = (await host.Get("/program/referrals/rules")).Get<int>("ruleVersion");

        Assert.Equal((400, "trigger"), await Refusal(host.Put("/program/referrals", Rules(trigger: "first-visit"))));
        Assert.Equal(
            (400, "shareLink"),
            await Refusal(host.Put("/program/referrals", Rules(shareLink: "http://x/{code}")))
        );
        Assert.Equal(
            (400, "referrer"),
            await Refusal(
                host.Put(
                    "/program/referrals",
                    new
                    {
                        enabled = true,
                        referred = new { points = 1 },
                        trigger = "enrollment",
                    }
                )
            )
        );
        Assert.Equal(
            (412, "expectedRuleVersion"),
            await Refusal(
                host.Put(
                    "/program/referrals",
                    new
                    {
                        enabled = false,
                        referrer = new { points = 0 },
                        referred = new { points = 0 },
                        trigger = "enrollment",
                        expectedRuleVersion = before + 5,
                    }
                )
            )
        );
        Assert.Equal(before, (await host.Get("/program/referrals/rules")).Get<int>("ruleVersion"));
    }
}
