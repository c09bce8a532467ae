using Npgsql;

namespace Loyalty.Api.Infrastructure;

/// <summary>Where the data lives (<c>Loyalty:Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>The embedded server's data folder, used when no connection string is configured.</summary>
    public string DataDirectory { get; set; } = Path.Combine(".loyalty", "pg");
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
            _started = EmbeddedPostgres.StartAsync(options.DataDirectory, durable: true, message => log.LogInformation("{Message}", message))
                .GetAwaiter().GetResult();
            connectionString = _started.ConnectionString;
        }
        else
        {
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            log.LogInformation("Using PostgreSQL at {Host}:{Port}/{Database}", target.Host, target.Port, target.Database);
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNodaTime();
        DataSource = builder.Build();
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    /// <summary>
    /// Stops the embedded server, if one was started. Called once the host has completely stopped: parts of
    /// it (Wolverine's durable inbox) still write while it shuts down.
    /// </summary>
    public static Task StopEmbeddedAsync() => _started?.StopAsync() ?? Task.CompletedTask;
}
