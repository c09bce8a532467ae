using System.Collections.Concurrent;
using Loyalty.Api.Infrastructure;
using Loyalty.Harness;
using Npgsql;

[assembly: AssemblyFixture(typeof(Loyalty.Reliability.Tests.Faults))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Loyalty.Reliability.Tests;

/// <summary>
/// One PostgreSQL for the fault tests; each scenario gets a database of its own and the API as a separate
/// process on it, which the scenario may kill, restart, or cut off from the database.
/// </summary>
public sealed class Faults : IAsyncLifetime
{
    public const string AdminKey = "reliability-admin-key-0123456789abcdefghij";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "loyalty-faults-" + Guid.NewGuid().ToString("N")[..8]);
    public EmbeddedPostgres Postgres { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Postgres = await EmbeddedPostgres.StartAsync(Path.Combine(_folder, "pg"), durable: false, _ => { });

    public async Task<Scenario> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var name = "faults_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Postgres.ConnectionString) { Database = "postgres" }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(Postgres.ConnectionString) { Database = name }.ConnectionString;
        var api = new ApiProcess(connectionString, AdminKey, settings);
        await api.StartAsync();
        return new Scenario(api, new Ledger(connectionString));
    }

    public async ValueTask DisposeAsync()
    {
        await Postgres.StopAsync(immediate: true);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The API under test, the ledger to check, and what it acknowledged.</summary>
public sealed class Scenario(ApiProcess api, Ledger ledger) : IAsyncDisposable
{
    private readonly HttpClient _http = LoyaltyClient.HttpFor(api.Url, 128);
    public ApiProcess Api { get; } = api;
    public Ledger Ledger { get; } = ledger;
    public LoyaltyClient Admin => new(_http, Faults.AdminKey);
    public ConcurrentBag<Acknowledged> Acknowledged { get; } = [];
    public ConcurrentBag<Reply> Replies { get; } = [];

    /// <summary>Closed while a scenario has the service or its database down; retrying clients wait for it.</summary>
    public Availability Service { get; } = new();

    public async Task<Guid[]> EnrollAsync(int count, int pointsEach)
    {
        var members = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            var enrolled = await Admin.Post("/members", new { externalId = $"card-{Guid.NewGuid():N}", name = $"Member {i}" });
            Assert.Equal(201, enrolled.Status);
            members[i] = enrolled.Body!["id"]!.GetValue<Guid>();
            if (pointsEach > 0) Assert.Equal(201, (await Purchase(members[i], $"seed-{members[i]:N}", pointsEach)).Status);
        }
        return members;
    }

    public static object PurchaseBody(Guid member, string transactionId, decimal amount) => new
    {
        source = "till", transactionId, memberId = member, storeId = "store-1", occurredAt = "2026-01-01T10:00:00Z", currency = "EUR",
        lines = new[] { new { lineId = "1", sku = "sku-1", quantity = 2, unitPrice = amount / 2, discount = 0 } }
    };

    /// <summary>A purchase as a till makes it: retried with the same key until answered; remembered when acknowledged.</summary>
    public async Task<Reply> Purchase(Guid member, string transactionId, decimal amount)
    {
        var reply = await Admin.PostUntilAnswered("/purchases", PurchaseBody(member, transactionId, amount), Service, TimeSpan.FromSeconds(90));
        Record(reply, member, "earned", transactionId);
        return reply;
    }

    public async Task<Reply> Redeem(Guid member, string redemptionId, int points)
    {
        var reply = await Admin.PostUntilAnswered($"/members/{member}/redemptions", new { redemptionId, points, reward = "coffee" }, Service, TimeSpan.FromSeconds(90));
        Record(reply, member, "redeemed", redemptionId);
        return reply;
    }

    public async Task<Reply> Return(Guid member, string transactionId, string returnId)
    {
        var reply = await Admin.PostUntilAnswered($"/purchases/till/{transactionId}/returns",
            new { returnId, lines = new[] { new { lineId = "1", quantity = 1 } } }, Service, TimeSpan.FromSeconds(90));
        Record(reply, member, "reversed", $"{transactionId}/{returnId}");
        return reply;
    }

    private void Record(Reply reply, Guid member, string type, string reference)
    {
        Replies.Add(reply);
        if (reply.Ok) Acknowledged.Add(new Acknowledged(member, type, reference));
    }

    public async Task AssertInvariantsAsync(IEnumerable<Guid> members)
    {
        var violations = await Ledger.ViolationsAsync(members, Acknowledged);
        Assert.True(violations.Count == 0, string.Join("\n", violations.Take(30)));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Api.DisposeAsync();
        await Ledger.DisposeAsync();
    }
}
