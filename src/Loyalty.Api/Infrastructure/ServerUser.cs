using System.Diagnostics;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// PostgreSQL refuses to run as root. Started as root, the embedded server runs as <c>postgres</c> when that user
/// exists, else as <c>loyalty-postgres</c>, a system user without a home or a login that the service creates.
/// </summary>
public static class ServerUser
{
    public const string Created = "loyalty-postgres";

    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    public static string FindOrCreate(Action<string> log)
    {
        if (Exists("postgres"))
            return "postgres";
        if (Exists(Created))
            return Created;
        log($"Started as root: creating the system user {Created} to run PostgreSQL as");
        var made =
            Run("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", Created) == 0
            || Run("adduser", "-S", "-D", "-H", Created) == 0; // Alpine
        if (made)
            return Created;
        throw new DatabaseUnavailable(
            "PostgreSQL cannot run as root, and there is no postgres user to run it as, "
                + $"nor could {Created} be created (useradd and adduser failed). Create an unprivileged user named "
                + "postgres, or start the service as an ordinary user. "
                + DatabaseUnavailable.WaysOut
        );
    }

    /// <summary>Whether <paramref name="user"/> may enter <paramref name="folder"/> (every parent must let it
    /// through).</summary>
    public static bool CanEnter(string user, string folder) =>
        Run("runuser", "-u", user, "--", "test", "-x", folder) == 0;

    private static bool Exists(string user) => Run("id", "-u", user) == 0;

    public static int Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(info)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // no such program
        }
    }
}
