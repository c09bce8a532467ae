namespace Loyalty.Api.Infrastructure;

/// <summary>
/// <c>dotnet Loyalty.Api.dll health [base-url]</c>: asks a running service whether it is ready and exits 0 if so,
/// for container health checks (the runtime image has no curl). The address defaults to the first of
/// ASPNETCORE_URLS, else http://localhost:5080.
/// </summary>
public static class HealthProbe
{
    public static async Task<int> RunAsync(string? baseUrl)
    {
        var url = baseUrl ?? Local(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")) ?? Wiring.DefaultUrl;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var answer = await http.GetAsync(url.TrimEnd('/') + "/health/ready");
            Console.WriteLine($"{(int)answer.StatusCode} from {url}");
            return answer.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"no answer from {url}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The first listening address, with a wildcard host made into localhost.</summary>
    private static string? Local(string? urls) =>
        urls
            ?.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault()
            ?.Replace("://+", "://localhost")
            .Replace("://*", "://localhost")
            .Replace("://0.0.0.0", "://localhost");
}
