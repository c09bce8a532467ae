using System.Text;
using System.Text.Json.Nodes;

namespace Loyalty.Harness;

/// <summary>A request with at least one defect that must get it refused, and what that defect is.</summary>
public sealed record HostileRequest(string Method, string Path, byte[]? Body, string ContentType, string Defect)
{
    public bool Writes => Method != "GET";

    public override string ToString() => $"{Method} {Path} ({Defect}): {Shortened}";

    private string Shortened => Body is null ? "" : Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 200)));
}

/// <summary>
/// Hostile requests drawn from the service's own OpenAPI document: every operation, its path parameters and its
/// request body schema, so an endpoint added tomorrow is attacked without being listed here. Each request carries a
/// defect that must get it refused (a nil, unknown or malformed id in the route, a required property missing or
/// null, a value of the wrong type, a number too large for its type, deep nesting, bad UTF-8, text that is not JSON,
/// a body that is not JSON at all), with noise around it: negative numbers, long strings, injection strings, nil ids
/// and unknown fields elsewhere in the body.
/// </summary>
public sealed class Hostile(Contract contract, Guid[] members)
{
    private static readonly string[] Injections =
    [
        "'; drop table loyalty.mt_events; --",
        "\" OR 1=1 --",
        "{\"$ne\":null}",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "\u0000",
        "%00",
        "${jndi:ldap://x}",
        "🙂🙃",
        new string('A', 5000),
    ];

    public static readonly string[] Defects =
    [
        "nil id in the route",
        "unknown id in the route",
        "malformed id in the route",
        "injection in the route",
        "required property missing",
        "required property null",
        "wrong type",
        "number too large",
        "deep nesting",
        "bad UTF-8",
        "not JSON",
        "not a JSON object",
        "not application/json",
    ];

    private readonly (string Template, string Method, JsonObject Operation)[] _operations =
        contract.Operations.ToArray();

    public IEnumerable<(string Template, string Method)> Targets => _operations.Select(o => (o.Template, o.Method));

    public HostileRequest Next(Random random)
    {
        var (template, method, operation) = _operations[random.Next(_operations.Length)];
        var schema = Resolve(operation["requestBody"]?["content"]?["application/json"]?["schema"]);
        var body = schema is null ? null : Valid(schema, random, 0);
        var hasId = PathParameters(operation).Any(IsId);
        var defects = new List<string>();
        if (hasId)
            defects.AddRange(Defects[..3]);
        if (body is JsonObject)
            defects.AddRange(Defects[4..8]);
        if (body is not null)
            defects.AddRange(Defects[8..]);
        if (method == "GET" || defects.Count == 0)
            defects.Add(Defects[3]);
        var defect = defects[random.Next(defects.Count)];

        var path = Path(template, operation, defect, random);
        var (bytes, contentType) = body is null ? (null, Json) : Body(body.AsObject(), schema, defect, random);
        return new HostileRequest(method, path + Query(operation, random), bytes, contentType, defect);
    }

    private string Path(string template, JsonObject operation, string defect, Random random)
    {
        var path = template;
        foreach (var parameter in PathParameters(operation))
        {
            var name = parameter["name"]!.GetValue<string>();
            var value = (IsId(parameter), defect) switch
            {
                (true, "nil id in the route") => Guid.Empty.ToString(),
                (true, "unknown id in the route") => Guid.NewGuid().ToString(),
                (true, "malformed id in the route") => Shortened(Injection(random), 40),
                (true, _) => members[random.Next(members.Length)].ToString(),
                // Longer, and Kestrel answers 414 for the request line before any of the service's code runs.
                _ => Shortened(Injection(random), 1000),
            };
            path = path.Replace($"{{{name}}}", Uri.EscapeDataString(value));
        }
        return path;
    }

    /// <summary>Query parameters with values of the wrong kind, or far out of range.</summary>
    private static string Query(JsonObject operation, Random random)
    {
        string[] values = ["-1", "99999999999999999999", "abc", ""];
        var query = Parameters(operation)
            .Where(p => p["in"]?.GetValue<string>() == "query" && random.Next(2) == 0)
            .Select(p => $"{p["name"]}={Uri.EscapeDataString(values[random.Next(values.Length)])}")
            .ToArray();
        return query.Length == 0 ? "" : "?" + string.Join('&', query);
    }

    private (byte[] Body, string ContentType) Body(JsonObject body, JsonNode? schema, string defect, Random random)
    {
        AddNoise(body, random);
        var properties = schema?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
        var required = schema?["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
        switch (defect)
        {
            case "required property missing" when required.Count > 0:
                body.Remove(required[random.Next(required.Count)]);
                break;
            case "required property null" when required.Count > 0:
                body[required[random.Next(required.Count)]] = null;
                break;
            case "number too large" when Numbers(schema).ToList() is { Count: > 0 } numbers:
                var number = numbers[random.Next(numbers.Count)];
                body[number.Name] = JsonNode.Parse(number.Integer ? "99999999999999999999" : "1e30");
                break;
            case "deep nesting":
                return (Bytes("{\"x\":" + new string('[', 5000) + new string(']', 5000) + "}"), Json);
            case "bad UTF-8":
                return ([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0xC3, 0x28, 0x7D], Json);
            case "not JSON":
                return (Bytes(body.ToJsonString()[..^1]), Json);
            case "not a JSON object":
                string[] others = ["null", "[1,2,3]", "\"text\""];
                return (Bytes(others[random.Next(others.Length)]), Json);
            case "not application/json":
                return (Bytes(body.ToJsonString()), "text/plain");
            default: // wrong type, and the fallback when the schema offers nothing else to break
                var property = properties.Count > 0 ? properties[random.Next(properties.Count)] : "anything";
                body[property] = WrongType(schema?["properties"]?[property]);
                if (properties.Count == 0)
                    return (Bytes("[" + body.ToJsonString() + "]"), Json);
                break;
        }
        return (Bytes(body.ToJsonString()), Json);
    }

    /// <summary>Noise, no defect by itself: unknown fields, negative numbers, hostile strings, nil ids.</summary>
    private void AddNoise(JsonObject body, Random random)
    {
        if (random.Next(3) == 0)
            body[$"unknown{random.Next(100)}"] = JsonNode.Parse("[1,2,{\"deep\":true}]");
        foreach (var name in body.Select(p => p.Key).ToList())
        {
            if (random.Next(4) != 0)
                continue;
            body[name] = body[name] switch
            {
                JsonValue v when v.TryGetValue<int>(out _) => -random.Next(1, 1000),
                JsonValue v when v.TryGetValue<decimal>(out _) => -random.Next(1, 1000) / 100m,
                JsonValue v when v.TryGetValue<string>(out var s) && Guid.TryParse(s, out _) => Guid.Empty.ToString(),
                JsonValue v when v.TryGetValue<string>(out _) => Injection(random),
                var other => other,
            };
        }
    }

    /// <summary>A body a careless but honest client might send: every property, of its documented type.</summary>
    private JsonNode? Valid(JsonNode? schema, Random random, int depth)
    {
        if (schema is null || depth > 4)
            return null;
        var type = TypeOf(schema);
        return type switch
        {
            "object" => new JsonObject(
                (schema["properties"]?.AsObject() ?? []).Select(p =>
                    KeyValuePair.Create(p.Key, Valid(Resolve(p.Value), random, depth + 1))
                )
            ),
            "array" => new JsonArray(Valid(Resolve(schema["items"]), random, depth + 1)),
            "integer" => random.Next(1, 50),
            "number" => random.Next(1, 5000) / 100m,
            "boolean" => true,
            _ => schema["format"]?.GetValue<string>() switch
            {
                "date-time" => "2026-01-01T10:00:00Z",
                "date" => "1990-01-01",
                "uuid" => members[random.Next(members.Length)].ToString(),
                _ => $"x{random.Next(1000)}",
            },
        };
    }

    private static JsonNode WrongType(JsonNode? schema) =>
        TypeOf(schema) switch
        {
            "string" => JsonValue.Create(5)!,
            "integer" or "number" => JsonValue.Create("five")!,
            "boolean" => JsonValue.Create("yes")!,
            "array" => new JsonObject { ["not"] = "an array" },
            _ => new JsonArray(1, 2),
        };

    private IEnumerable<(string Name, bool Integer)> Numbers(JsonNode? schema) =>
        (schema?["properties"]?.AsObject() ?? [])
            .Select(p => (p.Key, Type: TypeOf(Resolve(p.Value))))
            .Where(p => p.Type is "integer" or "number")
            .Select(p => (p.Key, p.Type == "integer"));

    /// <summary>A schema's one type besides null; a <c>$ref</c> or a schema with properties is an object.</summary>
    private static string? TypeOf(JsonNode? schema) =>
        schema?["type"] switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
            JsonValue type => type.GetValue<string>(),
            _ => schema?["$ref"] is not null || schema?["properties"] is not null ? "object" : null,
        };

    private JsonNode? Resolve(JsonNode? schema)
    {
        if (schema?["oneOf"] is JsonArray oneOf)
            schema = oneOf.FirstOrDefault(s => s?["type"]?.ToString() != "null");
        var reference = schema?["$ref"]?.GetValue<string>();
        return reference is null ? schema : contract.Schema(reference.Split('/')[^1]);
    }

    private const string Json = "application/json";

    private static IEnumerable<JsonNode> Parameters(JsonObject operation) =>
        operation["parameters"]?.AsArray().OfType<JsonNode>() ?? [];

    private static IEnumerable<JsonNode> PathParameters(JsonObject operation) =>
        Parameters(operation).Where(p => p["in"]?.GetValue<string>() == "path");

    private static bool IsId(JsonNode parameter) => parameter["schema"]?["format"]?.GetValue<string>() == "uuid";

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Shortened(string text, int length) => text.Length > length ? text[..length] : text;

    private static string Injection(Random random) => Injections[random.Next(Injections.Length)];
}
