using Alba;
using Loyalty.Api.Infrastructure;
using Loyalty.Harness;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Wolverine;

[assembly: AssemblyFixture(typeof(Loyalty.Api.Tests.Infrastructure.LoyaltyApp))]

namespace Loyalty.Api.Tests.Infrastructure;

/// <summary>How a test wants its own instance of the service: its clock, extra services, settings, database.</summary>
public sealed record HostOptions(
    IClock? Clock = null,
    Action<IServiceCollection>? Services = null,
    IReadOnlyDictionary<string, string?>? Settings = null,
    bool FreshDatabase = false,
    bool ConfigureAdminKey = true,
    string? ConnectionString = null
);

/// <summary>
/// One PostgreSQL for the whole test run, started by the run itself in a temporary folder (fsync off: it
/// is thrown away), and the service hosted on it through Alba. Tests keep apart by using fresh ids.
/// </summary>
public sealed class LoyaltyApp : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(
        Path.GetTempPath(),
        "loyalty-tests-" + Guid.NewGuid().ToString("N")[..8]
    );
    private EmbeddedPostgres? _postgres;

    public static readonly Instant Start = Instant.FromUtc(2026, 11, 24, 12, 0);
    public const string AdminKey = "test-bootstrap-admin-key-0123456789abcdef";
    public FakeClock Clock { get; } = new(Start);
    public IAlbaHost Host { get; private set; } = null!;

    /// <summary>The service's own OpenAPI document, which every answer in the tests is held to.</summary>
    public static Contract Contract { get; private set; } = null!;
    public string ConnectionString => _postgres!.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        _postgres = await EmbeddedPostgres.StartAsync(Path.Combine(_folder, "pg"), durable: false, _ => { });
        Host = await StartHostAsync();
        var document = await Host.Scenario(s => s.Get.Url(Loyalty.Api.Infrastructure.OpenApi.DocumentPath));
        Contract = new Contract(System.Text.Json.Nodes.JsonNode.Parse(await document.ReadAsTextAsync())!);
    }

    /// <summary>
    /// Another instance of the service: on the same database (a second node, or the same one restarted) unless asked
    /// otherwise.
    /// </summary>
    public async Task<IAlbaHost> StartHostAsync(HostOptions? options = null)
    {
        options ??= new HostOptions();
        var connectionString =
            options.ConnectionString ?? (options.FreshDatabase ? await CreateDatabaseAsync() : ConnectionString);
        return await AlbaHost.For<Program>(web =>
        {
            web.UseSetting("ConnectionStrings:Loyalty", connectionString);
            if (options.ConfigureAdminKey)
                web.UseSetting("Loyalty:Auth:BootstrapAdminKey", AdminKey);
            web.UseSetting("Loyalty:Auth:Jwt:Issuer", Tokens.Issuer);
            web.UseSetting("Loyalty:Auth:Jwt:Audience", Tokens.Audience);
            web.UseSetting("Loyalty:Auth:Jwt:SigningKey", Tokens.SigningKey);
            // The insight and automation jobs write to many members' streams: tests that want them run them.
            web.UseSetting("Loyalty:Insight:Enabled", "false");
            web.UseSetting("Loyalty:Automations:Enabled", "false");
            foreach (var (name, value) in options.Settings ?? new Dictionary<string, string?>())
                web.UseSetting(name, value);
            web.ConfigureServices(services =>
            {
                services.AddSingleton(options.Clock ?? Clock);
                services.RunWolverineInSoloMode();
                services.MartenDaemonModeIsSolo();
                options.Services?.Invoke(services);
            });
        });
    }

    /// <summary>Lets the async projections (the audit) catch up with every event appended so far.</summary>
    public static async Task CatchUp(IAlbaHost host)
    {
        var errors = await host.ForceAllMartenDaemonActivityToCatchUpAsync(
            CancellationToken.None,
            CatchUpMode.AndResumeNormally
        );
        Assert.Empty(errors);
    }

    /// <summary>The service on a database of its own, for tests that change program-wide settings.</summary>
    public Task<IAlbaHost> StartHostOnFreshDatabaseAsync() => StartHostAsync(new HostOptions(FreshDatabase: true));

    /// <summary>A new, empty database on the test run's PostgreSQL; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "loyalty_" + Guid.NewGuid().ToString("N")[..12];
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"create database {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (_postgres is not null)
            await _postgres.StopAsync(immediate: true);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
