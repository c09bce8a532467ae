using Loyalty.Harness;

namespace Loyalty.Bench;

/// <summary>The workloads: what a fleet of tills, shops and apps sends.</summary>
public sealed class Scenarios(LoyaltyClient client, Guid[] members, Guid[] hot)
{
    private static object Purchase(Guid member, string transactionId, int salt) =>
        new
        {
            transactionId,
            memberId = member,
            storeId = "store-1",
            // now: a campaign gives only for what happens while it runs
            occurredAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            currency = "EUR",
            lines = new object[]
            {
                new
                {
                    lineId = "1",
                    sku = "COFFEE",
                    category = "grocery",
                    quantity = 2,
                    unitPrice = 12.50m,
                    discount = 1.00m,
                },
                new
                {
                    lineId = "2",
                    sku = "MUG",
                    category = "home",
                    quantity = 1,
                    unitPrice = 8.99m + salt % 10,
                    discount = 0m,
                },
                new
                {
                    lineId = "3",
                    sku = "CAKE",
                    category = "bakery",
                    quantity = 3,
                    unitPrice = 2.35m,
                    discount = 0.5m,
                },
            },
        };

    public Func<int, Tally, Func<bool>, Task> For(string scenario, string run) =>
        scenario switch
        {
            "earn" or "earn-paused" or "earn-webhooks" => (c, tally, running) => Earn(c, tally, running, run),
            "mixed" => (c, tally, running) => Mixed(c, tally, running, run),
            "read" => Read,
            "hot" => (c, tally, running) => Hot(c, tally, running, run),
            _ => throw new ArgumentException(scenario),
        };

    /// <summary>Purchases of 3 lines on random members; 10% are exact retries of an earlier one.</summary>
    private async Task Earn(int c, Tally tally, Func<bool> running, string run)
    {
        var random = new Random(c);
        var sent = new List<object>();
        for (var i = 0; running(); i++)
        {
            object body;
            if (sent.Count > 0 && random.Next(10) == 0)
                body = sent[random.Next(sent.Count)];
            else
                sent.Add(body = Purchase(members[random.Next(members.Length)], $"{run}-{c}-{i}", i));
            tally.Add(await client.Post("/purchases", body));
        }
    }

    /// <summary>70% purchases, 10% partial returns, 10% redemptions, 10% balance reads.</summary>
    private async Task Mixed(int c, Tally tally, Func<bool> running, string run)
    {
        var random = new Random(1000 + c);
        var bought = new List<(Guid Member, string Transaction)>();
        var returns = 0;
        for (var i = 0; running(); i++)
        {
            var roll = random.Next(10);
            if (roll < 7 || bought.Count == 0)
            {
                var member = members[random.Next(members.Length)];
                var transaction = $"{run}-{c}-{i}";
                var reply = await client.Post("/purchases", Purchase(member, transaction, i));
                tally.Add(reply);
                if (reply.Ok)
                    bought.Add((member, transaction));
            }
            else if (roll == 7)
            {
                // Each purchase is returned at most once (one of line 1's two units), so none is refused.
                var (member, transaction) = bought[returns++ % bought.Count];
                if (returns > bought.Count)
                {
                    tally.Add(await client.Get($"/members/{member}/balance"));
                    continue;
                }
                tally.Add(
                    await client.Post(
                        $"/purchases/pos/{transaction}/returns",
                        new { returnId = $"r-{c}-{i}", lines = new[] { new { lineId = "1", quantity = 1 } } }
                    )
                );
            }
            else if (roll == 8)
            {
                var (member, _) = bought[random.Next(bought.Count)];
                tally.Add(
                    await client.Post(
                        $"/members/{member}/redemptions",
                        new
                        {
                            redemptionId = $"{run}-{c}-{i}",
                            points = 1,
                            reward = "sticker",
                        }
                    ),
                    refusalExpected: true
                );
            }
            else
                tally.Add(await client.Get($"/members/{members[random.Next(members.Length)]}/balance"));
        }
    }

    /// <summary>Balance and first ledger page of random members.</summary>
    private async Task Read(int c, Tally tally, Func<bool> running)
    {
        var random = new Random(2000 + c);
        while (running())
        {
            var member = members[random.Next(members.Length)];
            tally.Add(
                await client.Get(
                    random.Next(2) == 0 ? $"/members/{member}/balance" : $"/members/{member}/ledger?limit=20"
                )
            );
        }
    }

    /// <summary>Earning and redeeming on only 10 members: every write contends.</summary>
    private async Task Hot(int c, Tally tally, Func<bool> running, string run)
    {
        var random = new Random(3000 + c);
        for (var i = 0; running(); i++)
        {
            var member = hot[random.Next(hot.Length)];
            tally.Add(
                random.Next(2) == 0
                    ? await client.Post("/purchases", Purchase(member, $"{run}-{c}-{i}", i))
                    : await client.Post(
                        $"/members/{member}/redemptions",
                        new
                        {
                            redemptionId = $"{run}-{c}-{i}",
                            points = 5,
                            reward = "coffee",
                        }
                    )
            );
        }
    }
}
