namespace Loyalty.Harness;

/// <summary>
/// Five active campaigns, as a program runs them, for the benchmark: three match the benchmark's typical purchase
/// (coffee ×2 up to three times a day, a point a unit of bakery, a basket bonus from 30.00 with a budget), two do
/// not (tea ×3 at weekends, an app-only bonus).
/// </summary>
public static class ProgramCampaigns
{
    /// <summary>Sets the five campaigns up, or changes them all to <paramref name="status"/>.</summary>
    public static async Task SetUpAsync(LoyaltyClient admin, string status = "active")
    {
        await Put(
            admin,
            "coffee-double",
            Campaign(
                status,
                new { kind = "multiplier", multiplier = 2 },
                new { skus = new[] { "COFFEE" } },
                new[] { new { period = "day", times = 3 } }
            )
        );
        await Put(
            admin,
            "bakery-points",
            Campaign(status, new { kind = "points-per-unit", points = 1 }, new { categories = new[] { "bakery" } })
        );
        await Put(
            admin,
            "basket-bonus",
            Campaign(
                status,
                new { kind = "points-per-purchase", points = 20 },
                new { minimumAmount = 30, minimumOnPurchase = true },
                budget: 1_000_000_000
            )
        );
        await Put(
            admin,
            "weekend-tea",
            Campaign(
                status,
                new { kind = "multiplier", multiplier = 3 },
                new { skus = new[] { "TEA" }, daysOfWeek = new[] { "saturday", "sunday" } }
            )
        );
        await Put(
            admin,
            "app-only",
            Campaign(status, new { kind = "points-per-purchase", points = 50 }, new { channels = new[] { "app" } })
        );
    }

    private static object Campaign(
        string status,
        object effect,
        object conditions,
        object? limits = null,
        long? budget = null
    ) =>
        new
        {
            name = "benchmark campaign",
            status,
            trigger = new { kind = "purchase" },
            conditions,
            effect,
            limits,
            budget,
        };

    private static async Task Put(LoyaltyClient admin, string code, object body)
    {
        var path = $"/program/campaigns/{code}";
        var reply = await admin.Send(HttpMethod.Put, path, System.Text.Json.JsonSerializer.Serialize(body));
        if (!reply.Ok)
            throw new InvalidOperationException($"PUT {path} failed: {reply.Status} {reply.Text}");
    }
}
