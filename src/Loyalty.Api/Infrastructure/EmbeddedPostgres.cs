using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// A PostgreSQL server of our own, for when no connection string is configured: initdb into a data folder
/// once, then start it on a free loopback port and stop it cleanly. Started as root, the server runs as the
/// <c>postgres</c> user (PostgreSQL refuses to run as root).
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string DatabaseName = "loyalty";
    private readonly string _binaries;

    /// <summary>Where initdb, pg_ctl and pgbench were found.</summary>
    public string Binaries => _binaries;
    private readonly bool _asPostgresUser;
    private readonly bool _durable;
    private readonly Action<string> _log;

    public string DataDirectory { get; }
    public int Port { get; private set; }

    /// <summary>
    /// Where clients on this machine connect: the Unix socket in the data folder, which costs both sides less CPU
    /// per round trip than loopback TCP; loopback TCP when the folder's path is too long for a socket name.
    /// </summary>
    public string Host => SocketFits ? DataDirectory : "127.0.0.1";

    public string ConnectionString =>
        new NpgsqlConnectionStringBuilder { Host = Host, Port = Port, Username = "postgres", Database = DatabaseName }.ConnectionString;

    // A Unix socket's path is at most 107 bytes: "<folder>/.s.PGSQL.<port>".
    private bool SocketFits => Encoding.UTF8.GetByteCount(DataDirectory) + "/.s.PGSQL.65535".Length <= 107;

    private EmbeddedPostgres(string dataDirectory, bool durable, Action<string> log)
    {
        _binaries = FindBinaries();
        _asPostgresUser = Environment.UserName == "root";
        _durable = durable;
        _log = log;
        DataDirectory = _asPostgresUser ? ReachableByPostgres(Path.GetFullPath(dataDirectory), log) : Path.GetFullPath(dataDirectory);
    }

    /// <summary>Creates the cluster in <paramref name="dataDirectory"/> if it is new, then starts it.</summary>
    /// <param name="dataDirectory">the cluster's folder, reused on the next start</param>
    /// <param name="durable">false only for throwaway test clusters: fsync off</param>
    /// <param name="log">where progress is told</param>
    /// <param name="ct">cancels the start</param>
    public static async Task<EmbeddedPostgres> StartAsync(string dataDirectory, bool durable, Action<string> log, CancellationToken ct = default)
    {
        var pg = new EmbeddedPostgres(dataDirectory, durable, log);
        await pg.StartAsync(ct);
        return pg;
    }

    /// <summary>Starts the server again after a stop, on the same port, so clients' connection strings still work.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) => StartServerAsync(ct);

    private async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(DataDirectory);
        if (_asPostgresUser) await RunAsync("chown", ["-R", "postgres:postgres", DataDirectory], asPostgres: false, ct);
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            _log($"Creating a PostgreSQL cluster in {DataDirectory}");
            string[] args = ["-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"];
            await RunAsync(Path.Combine(_binaries, "initdb"), _durable ? args : [.. args, "--no-sync"], _asPostgresUser, ct);
        }
        else if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            // Left running by a process that was killed: stop it so we own the server we talk to.
            await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], _asPostgresUser, ct, mayFail: true);
        }

        Port = LoopbackPort.Free();
        await StartServerAsync(ct);
        await CreateDatabaseAsync(ct);
        _log($"PostgreSQL is running from {DataDirectory} on 127.0.0.1:{Port}{(SocketFits ? " and its Unix socket" : "")}");
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        // Room for the service's pool on several nodes, tools and benchmarks beside it.
        var socket = SocketFits ? $"'{DataDirectory}'" : "''";
        var settings = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={socket} -c max_connections=300";
        if (!_durable) settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        await RunAsync(Path.Combine(_binaries, "pg_ctl"),
            ["-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60", "-o", settings, "start"],
            _asPostgresUser, ct);
    }

    private async Task CreateDatabaseAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand($"select 1 from pg_database where datname = '{DatabaseName}'", connection);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task StopAsync(bool immediate = false)
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "stop"],
            _asPostgresUser, CancellationToken.None, mayFail: true);
        _log("PostgreSQL stopped");
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static string FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (onPath is not null) return onPath;
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            "No PostgreSQL binaries found (initdb, pg_ctl). Install them (Debian: apt-get install -y postgresql) " +
            "or set ConnectionStrings__Loyalty to a PostgreSQL server you run yourself.");
    }

    /// <summary>
    /// The <c>postgres</c> user must be able to reach the data folder. A folder under /root is not reachable;
    /// then the cluster lives under /var/lib/loyalty instead, named after the folder asked for, and we say so.
    /// </summary>
    private static string ReachableByPostgres(string requested, Action<string> log)
    {
        var existing = requested;
        while (!Directory.Exists(existing)) existing = Path.GetDirectoryName(existing)!;
        if (Run("runuser", ["-u", "postgres", "--", "test", "-x", existing]) == 0) return requested;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(requested)))[..12].ToLowerInvariant();
        var fallback = $"/var/lib/loyalty/pg-{hash}";
        log($"The postgres user cannot reach {requested} (started as root, and a parent folder is private); " +
            $"keeping the database in {fallback} instead. Set Loyalty__Database__DataDirectory to choose another folder.");
        return fallback;
    }


    private static int Run(string file, string[] args)
    {
        using var process = Process.Start(Info(file, args))!;
        process.WaitForExit();
        return process.ExitCode;
    }

    private static ProcessStartInfo Info(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return info;
    }

    private static async Task RunAsync(string file, string[] args, bool asPostgres, CancellationToken ct, bool mayFail = false)
    {
        var info = asPostgres ? Info("runuser", ["-u", "postgres", "--", file, .. args]) : Info(file, args);
        info.WorkingDirectory = "/";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 && !mayFail)
            throw new InvalidOperationException(
                $"'{Path.GetFileName(file)} {string.Join(' ', args)}' failed ({process.ExitCode}): {await stderr}{await stdout}");
    }
}
