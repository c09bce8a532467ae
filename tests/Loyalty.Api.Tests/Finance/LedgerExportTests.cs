using Alba;
using CsvHelper;
using Loyalty.Api.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Finance;

/// <summary>The ledger export: every movement of a period, tying out to the roll-forward, audited.</summary>
public class LedgerExportTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start); // 24 November 2026, 13:00 in Amsterdam

    private object Bought(Guid member, string id, decimal amount) =>
        PurchaseAt(_clock.GetCurrentInstant(), member, id, amount);

    [Fact]
    public async Task the_export_of_two_days_parses_as_csv_and_ties_out_to_the_roll_forward_and_the_audit_lists_it()
    {
        await using var host = await app.StartHostAsync(new HostOptions(Clock: _clock, FreshDatabase: true));
        var settings = new
        {
            currency = "EUR",
            timeZone = "Europe/Amsterdam",
            earnRate = new { points = 1, perAmount = 1 },
            pointValue = new { points = 100, amount = 1.00m },
        };
        Assert.Equal(200, (await host.Put("/program/settings", settings)).Status);
        var ada = await host.WithEnrolledMember("ada-1");
        var grace = await host.WithEnrolledMember("grace-1");
        // The two days (95 outstanding at the end of the 25th).
        await TwoDays.MoveAsync(host, _clock, ada, grace, debitReason: "=1+1");
        // And on the 25th 5 held and released.
        Assert.Equal(201, (await host.Post($"/members/{ada}/holds", new { holdId = "H1", points = 5 })).Status);
        Assert.Equal(200, (await host.Post($"/members/{ada}/holds/H1/release", new { })).Status);
        // 26 November, outside the period.
        _clock.Advance(Duration.FromDays(1));
        Assert.Equal(201, (await host.Post("/purchases", Bought(ada, "T3", 10m))).Status);

        var export = await host.Get("/finance/ledger-export?from=2026-11-24&to=2026-11-25");

        Assert.Equal(200, export.Status);
        Assert.StartsWith("text/csv", export.ContentType);
        Assert.Equal(("8", "95"), (export.Header("X-Control-Rows"), export.Header("X-Control-Points")));
        var rows = new List<(string Type, long Points, decimal? Value, string External, string? Lots, string Day)>();
        var reasons = new List<string>();
        await using (var reader = CsvReader.FromText(export.Text, null))
        {
            var ct = TestContext.Current.CancellationToken;
            await reader.ReadHeaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(
                    (
                        reader.GetString("type"),
                        long.Parse(reader.GetString("points")),
                        reader.GetString("value") is "" ? null : decimal.Parse(reader.GetString("value")),
                        reader.GetString("external_id"),
                        reader.GetString("lots"),
                        reader.GetString("local_date")
                    )
                );
                reasons.Add(reader.GetString("reason"));
            }
        }
        // In the order they became known; those of one instant by member and version.
        Assert.Equal(
            [
                ("adjusted", -10L),
                ("adjusted", 30L),
                ("earned", 50L),
                ("earned", 120L),
                ("held", 0L),
                ("hold-released", 0L),
                ("redeemed", -70L),
                ("reversed", -25L),
            ],
            rows.Select(r => (r.Type, r.Points)).Order()
        );
        Assert.Equal((95L, 0.95m), (rows.Sum(r => r.Points), rows.Sum(r => r.Value ?? 0)));
        Assert.Equal(3, rows.TakeWhile(r => r.Day == "2026-11-24").Count());
        var first = rows.Single(r => r.Points == 120);
        Assert.Equal(("ada-1", "purchase:pos-1/T1:120", "2026-11-24"), (first.External, first.Lots, first.Day));
        // A reason that a spreadsheet would run as a formula is kept as text.
        Assert.Contains("'=1+1", reasons);
        var reversed = rows.Single(r => r.Type == "reversed");
        Assert.Equal(("grace-1", "2026-11-25"), (reversed.External, reversed.Day));
        // The export reads the inline ledger; the roll-forward and the audit are async: one catch-up for both (two in
        // quick succession can meet the daemon's agents restarting).
        await LoyaltyApp.CatchUp(host);
        var rollForward = await host.Get("/finance/roll-forward?from=2026-11-24&to=2026-11-25&granularity=month");
        var month = Assert.Single(rollForward["rows"].AsArray())!;
        Assert.Equal(
            95L,
            month["closing"]!["points"]!.GetValue<long>() - month["opening"]!["points"]!.GetValue<long>()
        );
        var control = await host.Get("/finance/ledger-export/control?from=2026-11-24&to=2026-11-25");
        Assert.Equal(
            (8L, 95L, 95L, true),
            (
                control.Get<long>("rows"),
                control.Get<long>("points"),
                control.Get<long>("rollForwardMovement"),
                control.Get<bool>("matches")
            )
        );
        var audit = await host.Get("/audit?kind=ledger-exported");
        var entry = Assert.Single(audit["entries"].AsArray())!;
        Assert.Equal(
            "ledger of 2026-11-24 to 2026-11-25 exported: 8 movements, 95 points",
            entry["summary"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task an_export_far_longer_than_the_database_reads_at_once_streams_every_row_whole()
    {
        await using var host = await app.StartHostAsync(new HostOptions(Clock: _clock, FreshDatabase: true));
        var ada = await host.WithEnrolledMember("ada-1");
        Assert.Equal(201, (await host.Post("/purchases", Bought(ada, "T1", 120m))).Status);
        // 5,000 copies of the purchase's entry, a second apart: about 1.5 MB of CSV.
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            var start = _clock.GetCurrentInstant().ToUnixTimeMilliseconds();
            var copy = new NpgsqlCommand(
                $$"""
                insert into loyalty.mt_doc_ledgerentry (id, data, mt_dotnet_type, known_at_unix_milliseconds)
                select 'copy/' || g, jsonb_set(data, '{KnownAtUnixMilliseconds}', to_jsonb({{start}} + g * 1000)),
                  mt_dotnet_type, {{start}} + g * 1000
                from loyalty.mt_doc_ledgerentry, generate_series(1, 5000) g
                """,
                connection
            );
            await copy.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var export = await host.Get("/finance/ledger-export?from=2026-11-24&to=2026-11-24");

        Assert.Equal(200, export.Status);
        Assert.Equal(("5001", "600120"), (export.Header("X-Control-Rows"), export.Header("X-Control-Points")));
        await using var reader = CsvReader.FromText(export.Text, null);
        var ct = TestContext.Current.CancellationToken;
        await reader.ReadHeaderAsync(ct);
        var (rows, points) = (0, 0L);
        while (await reader.ReadAsync(ct))
            (rows, points) = (rows + 1, points + long.Parse(reader.GetString("points")));
        Assert.Equal((5001, 600_120L), (rows, points));
    }

    [Theory]
    [InlineData("from=2026-11-25&to=2026-11-24", "from")]
    [InlineData("from=2026-01-01&to=2027-01-02", "to")]
    [InlineData("from=2026-11-24&to=30-11-2026", "to")]
    [InlineData("to=2026-11-25", "from")]
    [InlineData("from=9999-12-01&to=9999-12-31", "from")]
    public async Task a_period_that_cannot_be_exported_is_refused_naming_the_field(string query, string field)
    {
        Assert.Equal((400, field), await Refusal(app.Host.Get($"/finance/ledger-export?{query}")));
        Assert.Equal((400, field), await Refusal(app.Host.Get($"/finance/ledger-export/control?{query}")));
    }
}
