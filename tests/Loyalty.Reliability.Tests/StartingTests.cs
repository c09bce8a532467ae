using System.Diagnostics;
using Loyalty.Api.Infrastructure;
using Loyalty.Harness;

namespace Loyalty.Reliability.Tests;

/// <summary>
/// The service on its own embedded PostgreSQL, as a developer starts it: binaries fetched when the machine has none,
/// one service per data folder, and a plain refusal when there is no way to a database.
/// </summary>
public sealed class StartingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"loyalty-start-{Guid.NewGuid():N}"[..22]);
    private string Cache => Path.Combine(_folder, "cache");
    private string Data => Path.Combine(_folder, "pg");

    /// <summary>The service with no connection string, ignoring the machine's own PostgreSQL.</summary>
    private ApiProcess Embedded(string? registry = null) =>
        new(
            null,
            Faults.AdminKey,
            new Dictionary<string, string?>
            {
                ["Loyalty__Database__SystemBinaries"] = "false",
                ["Loyalty__Database__BinaryCache"] = Cache,
                ["Loyalty__Database__DataDirectory"] = Data,
                ["Loyalty__Database__Registry"] = registry,
                ["Logging__LogLevel__Default"] = "Information",
            }
        );

    [Fact]
    public async Task without_postgres_on_the_machine_the_service_fetches_it_once_verifies_it_and_serves()
    {
        await using (var first = Embedded())
        {
            await first.StartAsync();
            Assert.Contains(first.Output, line => line.Contains("fetching PostgreSQL " + PostgresDownload.Version));
            Assert.Contains(first.Output, line => line.Contains("SHA-512 as pinned"));
            await AssertServes(first);
            await first.StopAsync();
            Assert.Contains(first.Output, line => line.Contains("PostgreSQL stopped"));
        }
        Assert.False(ServerRunsIn(Data));

        await using var again = Embedded(registry: "http://127.0.0.1:9"); // unreachable: the cache must do
        await again.StartAsync();
        Assert.DoesNotContain(again.Output, line => line.Contains("fetching"));
        await AssertServes(again);
    }

    [Fact]
    public async Task a_second_service_on_the_same_folder_refuses_and_the_first_keeps_serving()
    {
        await using var first = Embedded();
        await first.StartAsync();
        await using var second = Embedded();

        var exit = await second.RunToExitAsync();

        Assert.Equal(2, exit);
        var refusal = "Another Loyalty service is running on the embedded database in " + Data;
        Assert.Single(second.Output, line => line.Contains(refusal));
        await AssertServes(first);
    }

    [Fact]
    public async Task a_server_left_by_a_killed_service_is_stopped_and_a_stale_pid_file_removed()
    {
        await using (var killed = Embedded())
        {
            await killed.StartAsync();
            await killed.KillAsync();
        }
        Assert.True(ServerRunsIn(Data)); // orphaned: its service is gone

        await using (var next = Embedded())
        {
            await next.StartAsync();
            Assert.Contains(next.Output, line => line.Contains("left running by a service that did not stop cleanly"));
            await AssertServes(next);
            await next.StopAsync();
        }

        var pidFile = Path.Combine(Data, "postmaster.pid");
        File.WriteAllLines(pidFile, ["999999", Data, "0", "1", "", "", "", "ready"]); // a process long gone
        await using var last = Embedded();
        await last.StartAsync();
        await AssertServes(last);
    }

    [Fact]
    public async Task with_no_way_to_postgres_it_says_so_once_exits_non_zero_and_leaves_nothing_behind()
    {
        await using var service = Embedded(registry: "http://127.0.0.1:9");

        var exit = await service.RunToExitAsync("--urls", "http://127.0.0.1:" + service.Port);

        Assert.Equal(2, exit);
        var said = Assert.Single(service.Output, line => line.StartsWith("Loyalty cannot start"));
        Assert.Contains("install PostgreSQL", said);
        Assert.Contains("ConnectionStrings__Loyalty", said);
        Assert.DoesNotContain(service.Output, line => line.TrimStart().StartsWith("at "));
        Assert.False(Directory.Exists(_folder), "the failed start left " + _folder);
    }

    [Fact]
    public void links_to_postgres_programs_that_are_gone_do_not_count_as_postgres_on_the_machine()
    {
        var bin = Path.Combine(_folder, "bin");
        Directory.CreateDirectory(bin);
        string[] programs = ["initdb", "pg_ctl", "postgres"];
        foreach (var program in programs)
            File.CreateSymbolicLink(Path.Combine(bin, program), "/nowhere/" + program);
        Assert.False(PostgresBinaries.Has(bin));

        foreach (var program in programs)
            File.WriteAllText(Path.Combine(_folder, program), "");
        foreach (var program in programs)
        {
            File.Delete(Path.Combine(bin, program));
            File.CreateSymbolicLink(Path.Combine(bin, program), Path.Combine(_folder, program));
        }
        Assert.True(PostgresBinaries.Has(bin));
    }

    private static async Task AssertServes(ApiProcess api)
    {
        using var http = new HttpClient { BaseAddress = api.Url };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
    }

    private static bool ServerRunsIn(string data) =>
        ServerProcess(data) is { } pid && Process.GetProcesses().Any(p => p.Id == pid);

    private static int? ServerProcess(string data) =>
        File.Exists(Path.Combine(data, "postmaster.pid"))
            ? int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First())
            : null;

    public void Dispose()
    {
        if (ServerRunsIn(Data))
            ServerUser.Run("kill", "-9", ServerProcess(Data).ToString()!);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
