namespace Loyalty.Harness;

/// <summary>
/// A program as real ones are set up, for the benchmark and the fault scenarios: tiers that every purchase counts
/// toward and earns at, and a paid membership plan. Both changes are audited, so the invariants meet them too.
/// </summary>
public static class ProgramRules
{
    public static async Task SetUpAsync(LoyaltyClient admin)
    {
        await Put(
            admin,
            "/program/tiers",
            new
            {
                metric = "qualifying-points",
                window = "rolling-12-months",
                review = "anniversary",
                drop = "one-tier",
                graceDays = 30,
                tiers = new object[]
                {
                    new
                    {
                        code = "bronze",
                        name = "Bronze",
                        threshold = 0,
                    },
                    new
                    {
                        code = "silver",
                        name = "Silver",
                        threshold = 500,
                        earnMultiplier = 1.25m,
                    },
                    new
                    {
                        code = "gold",
                        name = "Gold",
                        threshold = 2000,
                        earnMultiplier = 1.5m,
                    },
                    new
                    {
                        code = "platinum",
                        name = "Platinum",
                        threshold = 10000,
                        earnMultiplier = 2m,
                    },
                },
            }
        );
        await Put(
            admin,
            "/program/membership-plans",
            new
            {
                graceDays = 7,
                plans = new[]
                {
                    new
                    {
                        code = "plus",
                        name = "Plus",
                        price = 9.99m,
                        currency = "EUR",
                        period = "monthly",
                    },
                },
            }
        );
    }

    private static async Task Put(LoyaltyClient admin, string path, object body)
    {
        var reply = await admin.Send(HttpMethod.Put, path, System.Text.Json.JsonSerializer.Serialize(body));
        if (!reply.Ok)
            throw new InvalidOperationException($"PUT {path} failed: {reply.Status} {reply.Text}");
    }
}
