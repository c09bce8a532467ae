using System.Diagnostics;
using Loyalty.Api.Infrastructure;

namespace Loyalty.Harness;

/// <summary>
/// The API as a separate process, as it runs in production: started with <c>dotnet Loyalty.Api.dll</c>,
/// killed with SIGKILL or stopped with SIGTERM, restarted on the same port.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _environment;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private Process? _process;

    /// <summary>Everything the process wrote to its console, standard output and error interleaved.</summary>
    public IReadOnlyCollection<string> Output => _output;

    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}");
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>The database it runs on; null for the service's own embedded PostgreSQL.</summary>
    public string? ConnectionString { get; }

    /// <param name="connectionString">the database; null for the service's own embedded PostgreSQL</param>
    /// <param name="adminKey">the bootstrap admin key</param>
    /// <param name="settings">environment variables on top of the defaults; a null value removes one</param>
    public ApiProcess(string? connectionString, string adminKey, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ConnectionString = connectionString;
        Port = LoopbackPort.Free();
        _environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Loyalty"] = connectionString,
            ["Loyalty__Auth__BootstrapAdminKey"] = adminKey,
            ["Loyalty__Auth__RateLimit__ClientPermitsPerSecond"] = "1000000",
            ["Loyalty__Auth__RateLimit__ClientBurst"] = "1000000",
            ["Urls"] = Url.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            // It writes to every member's stream: the benchmark runs it itself (the `insight` command).
            ["Loyalty__Insight__Enabled"] = "false",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
            _environment[name] = value;
    }

    /// <summary>Sets (or, with null, removes) an environment variable for the next start.</summary>
    public void SetEnvironment(string name, string? value) => _environment[name] = value;

    /// <summary>Starts the process and returns once it says it has started (schema applied, keys in place).</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Launch(line =>
        {
            if (line.Contains("Application started"))
                started.TrySetResult();
        });
        _process.Exited += (_, _) =>
            started.TrySetException(
                new InvalidOperationException(
                    "The API exited while starting:\n" + string.Join("\n", _output.TakeLast(40))
                )
            );
        await started.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(90));
    }

    /// <summary>Runs the service with <paramref name="args"/> until it exits by itself; its exit code.</summary>
    public Task<int> RunToExitAsync(params string[] args) => RunToExitAsync(TimeSpan.FromSeconds(90), args);

    /// <summary>The same, for a command that may take up to <paramref name="timeout"/>.</summary>
    public async Task<int> RunToExitAsync(TimeSpan timeout, params string[] args)
    {
        _process = Launch(_ => { }, args);
        await _process.WaitForExitAsync().WaitAsync(timeout);
        _process.WaitForExit(); // the rest of the output
        return _process.ExitCode;
    }

    private Process Launch(Action<string> onLine, params string[] args)
    {
        var dll = typeof(Program).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.WorkingDirectory = Path.GetDirectoryName(dll)!;
        foreach (var (name, value) in _environment)
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            _output.Enqueue(e.Data);
            onLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                _output.Enqueue(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A crash: SIGKILL, no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>A deploy: SIGTERM, then wait for a clean exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
            return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Resident memory now and at its peak, in bytes, from /proc.</summary>
    public (long Current, long Peak) Memory()
    {
        var status = File.ReadAllLines($"/proc/{ProcessId}/status");
        long Kb(string field) =>
            long.Parse(status.First(l => l.StartsWith(field)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            * 1024;
        return (Kb("VmRSS:"), Kb("VmHWM:"));
    }

    /// <summary>CPU time the process has used so far (user + system).</summary>
    public TimeSpan CpuTime()
    {
        _process!.Refresh();
        return _process.TotalProcessorTime;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}
