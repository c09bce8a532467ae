using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Api.Tests.Infrastructure;

namespace Loyalty.Api.Tests.ApiContract;

/// <summary>
/// <c>docs/openapi.json</c> is the document the service serves, kept in the repository so that every change to the
/// contract shows in review and the linter (Redocly CLI, in <c>.ci/run</c>) reads it without starting the service.
/// </summary>
public class DocumentTests(LoyaltyApp app)
{
    private const string Update = "LOYALTY_WRITE_OPENAPI";

    /// <summary>Written for people: indented, and backticks and quotes left as they are.</summary>
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public async Task the_committed_document_is_the_one_the_service_serves()
    {
        var served = await app.Host.Scenario(s => s.Get.Url("/openapi/v1.json"));
        var live = JsonNode.Parse(await served.ReadAsTextAsync())!;
        var file = Path.Combine(RepositoryRoot(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable(Update) == "1")
            await File.WriteAllTextAsync(file, live.ToJsonString(Indented) + "\n");

        var committed = File.Exists(file) ? JsonNode.Parse(await File.ReadAllTextAsync(file)) : null;
        Assert.True(
            JsonNode.DeepEquals(live, committed),
            $"docs/openapi.json is not the live document: run `{Update}=1 dotnet test tests/Loyalty.Api.Tests "
                + "--filter FullyQualifiedName~DocumentTests`, read the difference and commit it."
        );
    }

    [Fact]
    public async Task every_operation_has_a_summary_a_description_and_a_camel_case_id()
    {
        var document = await app.Host.Get("/openapi/v1.json", Http.Anonymous);
        var operations = document["paths"]
            .AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Name: $"{o.Key} {p.Key}", Operation: o.Value!)));

        Assert.All(
            operations,
            o =>
            {
                Assert.False(string.IsNullOrWhiteSpace(Text(o.Operation, "summary")), $"{o.Name} has no summary");
                Assert.False(
                    string.IsNullOrWhiteSpace(Text(o.Operation, "description")),
                    $"{o.Name} has no description"
                );
                Assert.Matches("^[a-z][A-Za-z]+$", Text(o.Operation, "operationId"));
            }
        );
    }

    [Fact]
    public async Task servers_is_relative_unless_a_public_url_is_configured()
    {
        var configured = new Dictionary<string, string?> { ["Loyalty:PublicUrl"] = "https://loyalty.example.com/api/" };
        await using var host = await app.StartHostAsync(new HostOptions(Settings: configured));

        Assert.Equal("/", Text((await app.Host.Get("/openapi/v1.json"))["servers"][0]!, "url"));
        var configuredDocument = await host.Get("/openapi/v1.json");
        Assert.Equal("https://loyalty.example.com/api", Text(configuredDocument["servers"][0]!, "url"));
    }

    private static string? Text(JsonNode node, string name) => node[name]?.GetValue<string>();

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Loyalty.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("not inside the repository");
    }
}
