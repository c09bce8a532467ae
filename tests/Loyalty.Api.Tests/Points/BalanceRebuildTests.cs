using Loyalty.Api.Tests.Infrastructure;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Finance;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Points;

public class BalanceRebuildTests(LoyaltyApp app)
{
    [Fact]
    public async Task a_rebuild_restores_every_balance_from_the_events_and_writes_go_on_after_it()
    {
        await using var host = await app.StartHostOnFreshDatabaseAsync();
        var rich = await host.WithMemberHolding(120);
        await host.Post(
            $"/members/{rich}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 45,
                reward = "mug",
            }
        );
        var returned = await host.WithEnrolledMember();
        await host.Post("/purchases", Purchase(returned, "T-ret", Line("a", 2, 30)));
        await host.Post(
            "/purchases/pos-1/T-ret/returns",
            new { returnId = "r1", lines = new[] { new { lineId = "a", quantity = 1 } } }
        );
        var before = new[]
        {
            (await host.Get($"/members/{rich}/balance")).Body!.ToJsonString(),
            (await host.Get($"/members/{returned}/balance")).Body!.ToJsonString(),
            (await host.Get("/finance/liability")).Body!["liability"]!.ToJsonString(),
        };

        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(MemberBalance));
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await new NpgsqlCommand(LiabilityLots.Truncate("loyalty"), connection).ExecuteNonQueryAsync();
        }
        var progress = new List<long>();
        var events = await BalanceRebuild.RunAsync(store, progress.Add);

        var after = new[]
        {
            (await host.Get($"/members/{rich}/balance")).Body!.ToJsonString(),
            (await host.Get($"/members/{returned}/balance")).Body!.ToJsonString(),
            (await host.Get("/finance/liability")).Body!["liability"]!.ToJsonString(),
        };
        Assert.Equal(before, after);
        Assert.True(events >= 6, $"read {events} events");
        Assert.Equal(events, progress.Last());
        var redeemed = await host.Post(
            $"/members/{rich}/redemptions",
            new
            {
                redemptionId = "R2",
                points = 75,
                reward = "bag",
            }
        );
        Assert.Equal(201, redeemed.Status);
        Assert.Equal(0, await host.Available(rich));
    }
}
