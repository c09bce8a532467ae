using System.Text.Json;
using Loyalty.Api.Infrastructure;
using Loyalty.Harness;
using YamlDotNet.RepresentationModel;

namespace Loyalty.Reliability.Tests;

/// <summary>What the container needs of the app, checked without pulling images; and compose.yaml as far as it can
/// be.</summary>
public class ContainerTests(Faults faults)
{
    private static readonly string Root = FindRoot();

    [Fact]
    public async Task the_app_listens_where_ASPNETCORE_URLS_says_logs_json_when_asked_and_answers_its_health_probe()
    {
        var database = await faults.CreateDatabaseAsync();
        await using var api = new ApiProcess(
            database,
            Faults.AdminKey,
            new Dictionary<string, string?>
            {
                ["Urls"] = null,
                ["Logging__Console__FormatterName"] = "json",
                ["Logging__LogLevel__Default"] = "Information",
            }
        );
        api.SetEnvironment("ASPNETCORE_URLS", $"http://+:{api.Port}");
        await api.StartAsync();

        await using var probe = new ApiProcess(database, Faults.AdminKey);
        Assert.Equal(0, await probe.RunToExitAsync("health", api.Url.ToString()));
        var logged = api
            .Output.Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        Assert.Contains(logged, entry => entry.GetProperty("Category").GetString() == "Microsoft.Hosting.Lifetime");
        Assert.DoesNotContain(api.Output, line => line.StartsWith("info:"));
        await api.StopAsync();
        await using var nobody = new ApiProcess(database, Faults.AdminKey);
        Assert.Equal(1, await nobody.RunToExitAsync("health", api.Url.ToString()));
    }

    [Fact]
    public async Task compose_runs_two_api_nodes_on_one_postgres_each_with_a_health_check()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(await File.ReadAllTextAsync(Path.Combine(Root, "compose.yaml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        Assert.Equal(["postgres", "api", "api-2"], services.Children.Keys.Select(k => k.ToString()));
        foreach (var (name, service) in services.Children)
            Assert.True(Merged(service).ContainsKey("healthcheck"), $"{name} has no health check");
        foreach (var api in new[] { "api", "api-2" })
        {
            var environment = (YamlMappingNode)Merged(services[api])["environment"];
            Assert.Contains("Host=postgres", environment["ConnectionStrings__Loyalty"].ToString());
            Assert.Equal("http://+:8080", environment["ASPNETCORE_URLS"].ToString());
            Assert.Equal("${LOYALTY_ADMIN_KEY:-}", environment["Loyalty__Auth__BootstrapAdminKey"].ToString());
        }
        var ignored = await File.ReadAllLinesAsync(Path.Combine(Root, ".dockerignore"));
        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", "**/.loyalty/" }, ignored.ToHashSet());
        var appSettings = await File.ReadAllTextAsync(Path.Combine(Root, "src/Loyalty.Api/appsettings.json"));
        Assert.DoesNotContain("\"Urls\"", appSettings); // it would override ASPNETCORE_URLS

        // Where a Docker engine's compose plugin is present, it must accept the file as well.
        if (ServerUser.Run("docker", "compose", "version") == 0)
        {
            var compose = Path.Combine(Root, "compose.yaml");
            Assert.Equal(0, ServerUser.Run("docker", "compose", "-f", compose, "config", "-q"));
        }
    }

    /// <summary>A service's settings with those it takes from an anchor (<c>&lt;&lt;: *api</c>) merged in.</summary>
    private static Dictionary<string, YamlNode> Merged(YamlNode service)
    {
        var own = ((YamlMappingNode)service).Children.ToDictionary(c => c.Key.ToString(), c => c.Value);
        if (!own.Remove("<<", out var anchor))
            return own;
        var merged = Merged(anchor);
        foreach (var (key, value) in own)
            merged[key] = value;
        return merged;
    }

    private static string FindRoot()
    {
        var folder = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(folder, "Loyalty.sln")))
            folder = Path.GetDirectoryName(folder)!;
        return folder;
    }
}
