using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Loyalty.Harness;

/// <summary>
/// Holds every answer to the service's own OpenAPI document: the operation must exist, the status must be one it
/// documents, the body must be of a documented media type and valid against its schema (JSON Schema 2020-12, formats
/// checked), and every header a client acts on must be documented for that status.
/// </summary>
public sealed class Contract
{
    /// <summary>Headers a generated client or a person reads: each must be in the document where it is sent.</summary>
    private static readonly string[] MeaningfulHeaders =
    [
        "Location",
        "Idempotent-Replay",
        "Retry-After",
        "WWW-Authenticate",
        "Allow",
    ];

    private readonly JsonObject _paths;
    private readonly JsonObject _definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
    private readonly EvaluationOptions _evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    public Contract(JsonNode document)
    {
        Document = document;
        _paths = document["paths"]!.AsObject();
        var schemas = document["components"]!["schemas"]!.ToJsonString();
        _definitions = JsonNode.Parse(RefsToDefinitions(schemas))!.AsObject();
    }

    public JsonNode Document { get; }

    /// <summary>Each (template, method) of the document with its operation.</summary>
    public IEnumerable<(string Template, string Method, JsonObject Operation)> Operations =>
        _paths.SelectMany(p => p.Value!.AsObject().Select(m => (p.Key, m.Key.ToUpperInvariant(), m.Value!.AsObject())));

    /// <summary>A component schema by name, its refs pointing at <c>#/$defs/…</c>.</summary>
    public JsonObject? Schema(string name) => _definitions[name]?.AsObject();

    /// <summary>What is wrong with this answer, by the document; nothing when it keeps the contract.</summary>
    public IReadOnlyList<string> Violations(
        string method,
        string url,
        int status,
        string? contentType,
        string? body,
        Func<string, string?> header
    )
    {
        var template = TemplateOf(url);
        var operation = template is null ? null : _paths[template]![method.ToLowerInvariant()];
        // No operation: the service answers 404 (no such route) or 405 (wrong method) as problem+json.
        if (operation is null)
            return status is 404 or 405 && IsProblem(contentType)
                ? []
                : [$"{method} {url}: {status} for an operation the document does not have"];
        var response = operation["responses"]?[status.ToString()];
        if (response is null)
            return [$"{method} {template}: status {status} is not documented"];

        var violations = new List<string>();
        foreach (var name in MeaningfulHeaders.Where(h => header(h) is not null))
            if (response["headers"]?[name] is null)
                violations.Add($"{method} {template} {status}: header {name} is sent but not documented");
        if (string.IsNullOrEmpty(body))
            return violations;

        var mediaType = contentType?.Split(';')[0].Trim();
        var schema = mediaType is null ? null : response["content"]?[mediaType]?["schema"];
        if (schema is null)
        {
            violations.Add($"{method} {template} {status}: a body of type {contentType} is not documented");
            return violations;
        }
        // A body that is not JSON (a CSV) is checked for being documented only.
        if (!mediaType!.EndsWith("json"))
            return violations;
        var results = SchemaFor(schema).Evaluate(JsonDocument.Parse(body).RootElement, _evaluation);
        if (!results.IsValid)
            violations.AddRange(Errors(results).Select(e => $"{method} {template} {status}: {e}"));
        return violations;
    }

    /// <summary>The path template that a concrete URL matches, literal segments preferred over parameters.</summary>
    public string? TemplateOf(string url)
    {
        var segments = url.Split('?')[0].Trim('/').Split('/');
        return _paths
            .Select(p => p.Key)
            .Select(t => (Template: t, Parts: t.Trim('/').Split('/')))
            .Where(t => t.Parts.Length == segments.Length && t.Parts.Zip(segments).All(Matches))
            .OrderByDescending(t => t.Parts.Count(p => !p.StartsWith('{')))
            .Select(t => t.Template)
            .FirstOrDefault();
    }

    private static bool Matches((string Template, string Segment) part) =>
        part.Template.StartsWith('{') || part.Template == Uri.UnescapeDataString(part.Segment);

    private static bool IsProblem(string? contentType) => contentType?.StartsWith("application/problem+json") == true;

    private JsonSchema SchemaFor(JsonNode schema)
    {
        var text = schema.ToJsonString();
        return _schemas.GetOrAdd(
            text,
            _ =>
            {
                var root = JsonNode.Parse(RefsToDefinitions(text))!.AsObject();
                root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
                root["$defs"] = _definitions.DeepClone();
                var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
                return JsonSchema.Build(
                    JsonDocument.Parse(root.ToJsonString()).RootElement,
                    options,
                    new Uri($"https://contract.loyalty.test/{Guid.NewGuid():N}")
                );
            }
        );
    }

    private static IEnumerable<string> Errors(EvaluationResults results) =>
        (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})"))
            .DefaultIfEmpty("the body does not match its schema")
            .Take(10);

    private static string RefsToDefinitions(string json) => json.Replace("#/components/schemas/", "#/$defs/");
}
