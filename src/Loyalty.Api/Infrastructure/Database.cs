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
/// PostgreSQL of our own (see <see cref="EmbeddedPostgres"/>), stopped when the service has stopped.
/// Resolved on first use, after configuration is complete.
/// </summary>
public sealed class LoyaltyDatabase : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; }
    private readonly EmbeddedPostgres? _embedded;

    public LoyaltyDatabase(IConfiguration configuration, ILogger<LoyaltyDatabase> log)
    {
        var connectionString = configuration.GetConnectionString("Loyalty");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var options = configuration.GetSection("Loyalty:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
            log.LogInformation("No ConnectionStrings:Loyalty configured: starting the embedded PostgreSQL");
            _embedded = EmbeddedPostgres.StartAsync(options.DataDirectory, durable: true, message => log.LogInformation("{Message}", message))
                .GetAwaiter().GetResult();
            connectionString = _embedded.ConnectionString;
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

    /// <summary>Runs when the host is disposed, after everything that used the database has stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_embedded is not null) await _embedded.StopAsync();
    }
}
