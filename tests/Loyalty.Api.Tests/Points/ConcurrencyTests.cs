using Loyalty.Api.Tests.Infrastructure;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Points;

/// <summary>
/// Two instances of the service on one database, as two nodes behind a load balancer: their writers do not
/// share the in-process queue, so only the stream version keeps them apart.
/// </summary>
public class ConcurrencyTests(LoyaltyApp app)
{
    [Fact]
    public async Task the_store_refuses_an_append_made_from_a_stale_read()
    {
        var member = await app.Host.WithMemberHolding(10);
        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        var version = await app.Host.StreamVersion(member);
        var redeemed = new PointsRedeemed(member, "R-stale", 10, "mug", null, LoyaltyApp.Start, Actor.System("test"));

        await using var first = store.LightweightSession();
        first.Events.Append(member, version + 1, redeemed);
        await first.SaveChangesAsync(TestContext.Current.CancellationToken);
        await using var second = store.LightweightSession();
        second.Events.Append(member, version + 1, redeemed with { RedemptionId = "R-stale-2" });

        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            second.SaveChangesAsync(TestContext.Current.CancellationToken)
        );
        Assert.True(Loyalty.Api.Infrastructure.EventStreams.IsWriteConflict(refused), refused.ToString());
        Assert.Equal(0, await app.Host.Available(member));
    }

    [Fact]
    public async Task concurrent_redemptions_and_returns_on_two_nodes_never_take_the_balance_below_zero()
    {
        var host = app.Host;
        await using var secondNode = await app.StartHostAsync();
        var member = await host.WithEnrolledMember();
        var transaction = NewId("T");
        await host.Post("/purchases", Purchase(member, transaction, Line("a", 10, 10), Line("b", 10, 5))); // 150 points

        var writes = Enumerable
            .Range(0, 60)
            .Select(i =>
            {
                var node = i % 2 == 0 ? host : secondNode;
                return i % 4 == 3
                    ? node.Post(
                        $"/purchases/pos-1/{transaction}/returns",
                        new
                        {
                            returnId = $"r{i}",
                            lines = new[] { new { lineId = i % 8 == 3 ? "a" : "b", quantity = 1 } },
                        }
                    )
                    : node.Post(
                        $"/members/{member}/redemptions",
                        new
                        {
                            redemptionId = $"R{i}",
                            points = 7,
                            reward = "coffee",
                        }
                    );
            })
            .ToArray();
        var answers = await Task.WhenAll(writes);

        Assert.All(answers, a => Assert.True(a.Status is 201 or 422, a.ToString()));
        var redeemed = answers.Count(a => a.Status == 201 && a.Body!["redemptionId"] is not null);
        var returns = answers.Count(a => a.Status == 201 && a.Body!["returnId"] is not null);
        Assert.Equal(15, returns);

        var ledger = (await host.Get($"/members/{member}/ledger?limit=500"))["entries"].AsArray();
        Assert.All(ledger, e => Assert.True(e!["balanceAfter"]!.GetValue<long>() >= 0));
        Assert.Equal(1 + redeemed + returns, ledger.Count);

        var balance = await host.Get($"/members/{member}/balance");
        var sumOfMovements = ledger.Sum(e => e!["points"]!.GetValue<long>());
        Assert.Equal(sumOfMovements, balance.Get<long>("available"));
        Assert.Equal(ledger[0]!["balanceAfter"]!.GetValue<long>(), balance.Get<long>("available"));
        Assert.Equal(
            balance.Get<long>("lifetimeEarned")
                - balance.Get<long>("lifetimeRedeemed")
                + balance.Get<long>("lifetimeAdjusted"),
            balance.Get<long>("available") - balance.Get<long>("deficit")
        );
    }
}
