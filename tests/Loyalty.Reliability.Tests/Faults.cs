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
    private readonly string _folder = Path.Combine(
        Path.GetTempPath(),
        "loyalty-faults-" + Guid.NewGuid().ToString("N")[..8]
    );
    public EmbeddedPostgres Postgres { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Postgres = await EmbeddedPostgres.StartAsync(Path.Combine(_folder, "pg"), durable: false, _ => { });

    /// <summary>
    /// The API on a database of its own, with the program's tiers and membership plan set up; with
    /// <paramref name="nodes"/> 2, a second API process on the same database, as a second node.
    /// </summary>
    public async Task<Scenario> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, int nodes = 1)
    {
        var connectionString = await CreateDatabaseAsync();
        var apis = Enumerable
            .Range(0, nodes)
            .Select(_ => new ApiProcess(connectionString, AdminKey, settings))
            .ToArray();
        await Task.WhenAll(apis.Select(api => api.StartAsync()));
        var scenario = new Scenario(apis, new Ledger(connectionString));
        await ProgramRules.SetUpAsync(scenario.Admin);
        return scenario;
    }

    /// <summary>A new, empty database on the fault tests' PostgreSQL; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "faults_" + Guid.NewGuid().ToString("N")[..12];
        await using (
            var connection = new NpgsqlConnection(
                new NpgsqlConnectionStringBuilder(Postgres.ConnectionString) { Database = "postgres" }.ConnectionString
            )
        )
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Postgres.ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await Postgres.StopAsync(immediate: true);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The API under test (one node or more), the ledger to check, and what it acknowledged.</summary>
public sealed class Scenario(ApiProcess[] nodes, Ledger ledger) : IAsyncDisposable
{
    private readonly HttpClient[] _http = nodes.Select(node => LoyaltyClient.HttpFor(node.Url, 128)).ToArray();
    public ApiProcess Api { get; } = nodes[0];
    public IReadOnlyList<ApiProcess> Nodes { get; } = nodes;
    public Ledger Ledger { get; } = ledger;
    public LoyaltyClient Admin => new(_http[0], Faults.AdminKey);

    /// <summary>When purchases happened, as the till says; the service's own clock may have been moved on.</summary>
    public string PurchasedAt { get; set; } = "2026-01-01T10:00:00Z";
    public ConcurrentBag<Acknowledged> Acknowledged { get; } = [];
    public ConcurrentBag<Reply> Replies { get; } = [];

    /// <summary>Closed while a scenario has the service or its database down; retrying clients wait for it.</summary>
    public Availability Service { get; } = new();

    public async Task<Guid[]> EnrollAsync(int count, int pointsEach)
    {
        var members = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            var enrolled = await Admin.Post(
                "/members",
                new { externalId = $"card-{Guid.NewGuid():N}", name = $"Member {i}" }
            );
            Assert.Equal(201, enrolled.Status);
            members[i] = enrolled.Body!["id"]!.GetValue<Guid>();
            if (pointsEach > 0)
                Assert.Equal(201, (await Purchase(members[i], $"seed-{members[i]:N}", pointsEach)).Status);
        }
        return members;
    }

    /// <summary>A member enrolled with a referral code, retried with the same externalId until answered.</summary>
    public async Task<Reply> EnrollReferred(string externalId, string referralCode, int client = 0)
    {
        var reply = await Write(
            client,
            "/members",
            new
            {
                externalId,
                name = "Friend",
                referralCode,
            }
        );
        Replies.Add(reply);
        return reply;
    }

    public object PurchaseBody(Guid member, string transactionId, decimal amount) =>
        new
        {
            source = "till",
            transactionId,
            memberId = member,
            storeId = "store-1",
            occurredAt = PurchasedAt,
            currency = "EUR",
            lines = new[]
            {
                new
                {
                    lineId = "1",
                    sku = "sku-1",
                    quantity = 2,
                    unitPrice = amount / 2,
                    discount = 0,
                },
            },
        };

    /// <summary>
    /// A purchase as a till makes it: retried with the same key until answered; remembered when acknowledged.
    /// </summary>
    public async Task<Reply> Purchase(Guid member, string transactionId, decimal amount, int client = 0)
    {
        var reply = await Write(client, "/purchases", PurchaseBody(member, transactionId, amount));
        Record(reply, member, "earned", transactionId);
        return reply;
    }

    public async Task<Reply> Redeem(Guid member, string redemptionId, int points, int client = 0)
    {
        var redemption = new
        {
            redemptionId,
            points,
            reward = "coffee",
        };
        var reply = await Write(client, $"/members/{member}/redemptions", redemption);
        Record(reply, member, "redeemed", redemptionId);
        return reply;
    }

    public async Task<Reply> Return(Guid member, string transactionId, string returnId, int client = 0)
    {
        var oneBack = new { returnId, lines = new[] { new { lineId = "1", quantity = 1 } } };
        var reply = await Write(client, $"/purchases/till/{transactionId}/returns", oneBack);
        Record(reply, member, "reversed", $"{transactionId}/{returnId}");
        return reply;
    }

    /// <summary>
    /// A write sent to the client's node, retried with the same key until answered. A node that gives no answer is
    /// taken to be gone: the write goes to the first node instead, as a load balancer would send it.
    /// </summary>
    private async Task<Reply> Write(int client, string path, object body)
    {
        var node = client % _http.Length;
        if (node == 0)
            return await Admin.PostUntilAnswered(path, body, Service, TimeSpan.FromSeconds(90));
        var reply = await new LoyaltyClient(_http[node], Faults.AdminKey).Post(path, body);
        if (reply.Status is not (0 or 503))
            return reply;
        var elsewhere = await Admin.PostUntilAnswered(path, body, Service, TimeSpan.FromSeconds(90));
        return elsewhere with { Attempts = elsewhere.Attempts + 1 };
    }

    private void Record(Reply reply, Guid member, string type, string reference)
    {
        Replies.Add(reply);
        if (reply.Ok)
            Acknowledged.Add(new Acknowledged(member, type, reference));
    }

    public async Task AssertInvariantsAsync(IEnumerable<Guid> members)
    {
        var violations = await Ledger.ViolationsAsync(members, Acknowledged);
        Assert.True(violations.Count == 0, string.Join("\n", violations.Take(30)));
        // The finance roll-forward proves itself against every member's lots and the event store.
        var reconciliation = await Admin.Get("/finance/reconciliation");
        Assert.True(reconciliation.Ok && reconciliation.Body!["balanced"]!.GetValue<bool>(), reconciliation.Text);
        Assert.True(reconciliation.Body!["eventsChecked"]!.GetValue<long>() > 0, "the roll-forward read no events");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var http in _http)
            http.Dispose();
        foreach (var node in Nodes)
            await node.DisposeAsync();
        await Ledger.DisposeAsync();
    }
}
