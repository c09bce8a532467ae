using Loyalty.Harness;
using Npgsql;

namespace Loyalty.Api.Tests.Infrastructure;

public class RebuildTests(LoyaltyApp app)
{
    [Fact]
    public async Task the_rebuild_command_brings_every_read_model_back_from_the_events_telling_its_progress()
    {
        var database = await app.CreateDatabaseAsync();
        var options = new HostOptions(ConnectionString: database);
        string[] reads;
        await using (var host = await app.StartHostAsync(options))
        {
            var member = await host.WithMemberHolding(120);
            await host.Post(
                $"/members/{member}/redemptions",
                new
                {
                    redemptionId = "R1",
                    points = 45,
                    reward = "mug",
                }
            );
            await host.Post(
                "/purchases/pos-1/T-seed-" + member.ToString("N") + "/returns",
                new { returnId = "r1", lines = new[] { new { lineId = "1", quantity = 1 } } }
            );
            var goodwill = new
            {
                adjustmentId = "A1",
                points = 5,
                reason = "goodwill",
            };
            await host.Post($"/members/{member}/adjustments", goodwill);
            await LoyaltyApp.CatchUp(host);
            reads = await ReadsAsync(host, member);
        }
        await WreckReadModelsAsync(database);

        await using var rebuild = new ApiProcess(database, LoyaltyApp.AdminKey);
        var exit = await rebuild.RunToExitAsync("rebuild", "all");

        Assert.True(exit == 0, string.Join("\n", rebuild.Output));
        Assert.Contains(rebuild.Output, line => line.StartsWith("Rebuilding MemberBalance, LedgerEntry"));
        Assert.Contains(rebuild.Output, line => line.Contains("AuditEntryProjection: rebuilt"));
        await using var after = await app.StartHostAsync(options);
        await LoyaltyApp.CatchUp(after);
        Assert.Equal(reads, await ReadsAsync(after, Guid.Parse(reads[0])));
    }

    [Fact]
    public async Task the_rebuild_command_names_the_projections_when_asked_for_one_it_does_not_know()
    {
        await using var rebuild = new ApiProcess(app.ConnectionString, LoyaltyApp.AdminKey);

        var exit = await rebuild.RunToExitAsync("rebuild", "no-such-projection");

        Assert.Equal(2, exit);
        Assert.Contains(rebuild.Output, line => line.Contains("The projections: MemberBalance, LedgerEntry"));
    }

    private static async Task<string[]> ReadsAsync(Alba.IAlbaHost host, Guid member) =>
        [
            member.ToString(),
            (await host.Get($"/members/{member}")).Body!.ToJsonString(),
            (await host.Get($"/members/{member}/balance")).Body!.ToJsonString(),
            (await host.Get($"/members/{member}/ledger")).Body!.ToJsonString(),
            (await host.Get("/audit?kind=points-adjusted")).Body!.ToJsonString(),
            (await host.Get("/api-keys")).Body!.ToJsonString(),
        ];

    /// <summary>Every read model's table emptied: only the events are left.</summary>
    private static async Task WreckReadModelsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var wreck = new NpgsqlCommand(
            """
            do $$ declare t text; begin
              for t in select tablename from pg_tables where schemaname = 'loyalty' and tablename like 'mt_doc_%'
                and tablename not in ('mt_doc_idempotencyrecord', 'mt_doc_expiryschedule', 'mt_doc_deadletterevent')
              loop execute format('truncate loyalty.%I', t); end loop;
            end $$;
            """,
            connection
        );
        await wreck.ExecuteNonQueryAsync();
    }
}
