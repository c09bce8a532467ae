using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// A PostgreSQL server of our own, for when no connection string is configured: initdb into a data folder
/// once, then start it on a free loopback port and stop it cleanly. The programs come from
/// <see cref="PostgresBinaries"/>; started as root, the server runs as the <see cref="ServerUser"/>.
/// One service per data folder: a lock file beside the folder, held while the service runs, keeps a second one out.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string DatabaseName = "loyalty";
    private readonly string? _user;
    private readonly bool _durable;
    private readonly Action<string> _log;
    private FileStream? _lock;

    /// <summary>Where initdb, pg_ctl and postgres were found.</summary>
    public string Binaries { get; }
    public string DataDirectory { get; }
    public int Port { get; private set; }

    /// <summary>
    /// Where clients on this machine connect: the Unix socket in the data folder, which costs both sides less CPU
    /// per round trip than loopback TCP; loopback TCP when the folder's path is too long for a socket name.
    /// </summary>
    public string Host => SocketFits ? DataDirectory : "127.0.0.1";

    public string ConnectionString =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = "postgres",
            Database = DatabaseName,
        }.ConnectionString;

    // A Unix socket's path is at most 107 bytes: "<folder>/.s.PGSQL.<port>". Windows: TCP only.
    private bool SocketFits =>
        !OperatingSystem.IsWindows() && Encoding.UTF8.GetByteCount(DataDirectory) + "/.s.PGSQL.65535".Length <= 107;

    private EmbeddedPostgres(string binaries, string dataDirectory, string? user, bool durable, Action<string> log)
    {
        (Binaries, DataDirectory, _user, _durable, _log) = (binaries, dataDirectory, user, durable, log);
    }

    /// <summary>Creates the cluster in <paramref name="dataDirectory"/> if it is new, then starts it.</summary>
    /// <param name="dataDirectory">the cluster's folder, reused on the next start</param>
    /// <param name="durable">false only for throwaway test clusters: fsync off</param>
    /// <param name="log">where progress is told</param>
    /// <param name="ct">cancels the start</param>
    public static Task<EmbeddedPostgres> StartAsync(
        string dataDirectory,
        bool durable,
        Action<string> log,
        CancellationToken ct = default
    ) => StartAsync(new DatabaseOptions { DataDirectory = dataDirectory }, durable, log, ct);

    /// <summary>
    /// Finds (or fetches) the programs, creates the cluster if it is new and starts it. A failure leaves nothing behind
    /// that this start made, and says why in a <see cref="DatabaseUnavailable"/>.
    /// </summary>
    public static async Task<EmbeddedPostgres> StartAsync(
        DatabaseOptions options,
        bool durable,
        Action<string> log,
        CancellationToken ct = default
    )
    {
        var binaries = await PostgresBinaries.FindAsync(options, log, ct);
        var user = ServerUser.IsRoot ? ServerUser.FindOrCreate(log) : null;
        var requested = Path.GetFullPath(options.DataDirectory);
        var folder = user is null ? requested : ReachableBy(user, requested, log);
        var pg = new EmbeddedPostgres(binaries, folder, user, durable, log);
        var created = new List<string>();
        try
        {
            await pg.StartAsync(created, ct);
            return pg;
        }
        catch
        {
            pg.ReleaseLock();
            foreach (var made in created.Where(Directory.Exists))
                Directory.Delete(made, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Starts the server again after a stop, on the same port, so clients' connection strings still work.
    /// </summary>
    public Task StartAgainAsync(CancellationToken ct = default) => StartServerAsync(ct);

    private async Task StartAsync(List<string> created, CancellationToken ct)
    {
        if (PostgresBinaries.CreateFolder(DataDirectory) is { } made)
            created.Add(made);
        TakeLock();
        if (_user is not null)
            await RunAsync("chown", ["-R", $"{_user}:", DataDirectory], asServerUser: false, ct);
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            _log($"Creating a PostgreSQL cluster in {DataDirectory}");
            string[] args = ["-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"];
            await RunAsync(Program("initdb"), _durable ? args : [.. args, "--no-sync"], _user is not null, ct);
        }
        else
            await StopOrphanAsync(ct);

        Port = LoopbackPort.Free();
        await StartServerAsync(ct);
        await CreateDatabaseAsync(ct);
        _log(
            $"PostgreSQL is running from {DataDirectory} on "
                + $"127.0.0.1:{Port}{(SocketFits ? " and its Unix socket" : "")}"
        );
    }

    /// <summary>
    /// The lock is ours, so no other service uses this folder. A server still running in it was left by a service that
    /// was killed: stop it, so we own the server we talk to. A <c>postmaster.pid</c> whose process is gone is removed.
    /// </summary>
    private async Task StopOrphanAsync(CancellationToken ct)
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
            return;
        if (await PgCtlAsync(["status"], ct) == 0)
        {
            _log("Stopping the PostgreSQL server left running by a service that did not stop cleanly");
            await PgCtlAsync(["-m", "fast", "-w", "stop"], ct);
        }
        else
            File.Delete(pidFile);
    }

    private void TakeLock()
    {
        var path = DataDirectory.TrimEnd(Path.DirectorySeparatorChar) + ".lock";
        try
        {
            // Held (an exclusive flock on Unix) until this process ends, however it ends.
            _lock = new FileStream(
                path,
                FileMode.OpenOrCreate,
                FileAccess.ReadWrite,
                FileShare.None,
                1,
                FileOptions.DeleteOnClose
            );
        }
        catch (IOException)
        {
            throw new DatabaseUnavailable(
                $"Another Loyalty service is running on the embedded database in {DataDirectory}. Stop that one "
                    + "first, or give this one a folder of its own with Loyalty__Database__DataDirectory (or a "
                    + "server you "
                    + "run, with ConnectionStrings__Loyalty)."
            );
        }
    }

    private void ReleaseLock()
    {
        _lock?.Dispose();
        _lock = null;
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        // Room for the service's pool on several nodes, tools and benchmarks beside it.
        var socket = SocketFits ? $"'{DataDirectory}'" : "''";
        var settings =
            $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={socket} -c max_connections=300";
        if (!_durable)
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        await RunAsync(
            Program("pg_ctl"),
            [
                "-D",
                DataDirectory,
                "-l",
                Path.Combine(DataDirectory, "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                settings,
                "start",
            ],
            _user is not null,
            ct
        );
    }

    private async Task CreateDatabaseAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString)
        {
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand(
            $"select 1 from pg_database where datname = '{DatabaseName}'",
            connection
        );
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task StopAsync(bool immediate = false)
    {
        NpgsqlConnection.ClearAllPools();
        await PgCtlAsync(["-m", immediate ? "immediate" : "fast", "-w", "stop"], CancellationToken.None);
        ReleaseLock();
        _log("PostgreSQL stopped");
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private string Program(string name) => PostgresBinaries.Program(Binaries, name);

    /// <summary>pg_ctl on this data folder, as the server's user; its exit code, a failure included.</summary>
    private Task<int> PgCtlAsync(string[] args, CancellationToken ct) =>
        RunAsync(Program("pg_ctl"), ["-D", DataDirectory, .. args], _user is not null, ct, mayFail: true);

    /// <summary>
    /// The server's user must be able to reach the data folder. A folder under /root is not reachable; then the
    /// cluster lives under /var/lib/loyalty instead, named after the folder asked for, and we say so.
    /// </summary>
    private static string ReachableBy(string user, string requested, Action<string> log)
    {
        var existing = requested;
        while (!Directory.Exists(existing))
            existing = Path.GetDirectoryName(existing)!;
        if (ServerUser.CanEnter(user, existing))
            return requested;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(requested)))[..12].ToLowerInvariant();
        var fallback = $"/var/lib/loyalty/pg-{hash}";
        log(
            $"PostgreSQL runs as {user}, who cannot enter {existing} (a folder on the way is private to root); "
                + $"keeping the database in {fallback} instead. Set Loyalty__Database__DataDirectory to choose "
                + $"another folder."
        );
        return fallback;
    }

    private async Task<int> RunAsync(
        string file,
        string[] args,
        bool asServerUser,
        CancellationToken ct,
        bool mayFail = false
    )
    {
        var info = new ProcessStartInfo(asServerUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (OperatingSystem.IsWindows())
            info.WorkingDirectory = Path.GetTempPath();
        foreach (var arg in asServerUser ? ["-u", _user!, "--", file, .. args] : args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 && !mayFail)
        {
            var command = $"{Path.GetFileName(file)} {string.Join(' ', args)}";
            var said = $"{(await stderr).Trim()} {(await stdout).Trim()}";
            throw new DatabaseUnavailable($"'{command}' failed ({process.ExitCode}): {said}");
        }
        return process.ExitCode;
    }
}
