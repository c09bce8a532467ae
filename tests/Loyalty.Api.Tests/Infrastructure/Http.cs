using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace Loyalty.Api.Tests.Infrastructure;

/// <summary>What the service answered: status, JSON body, headers.</summary>
public sealed record Answer(
    int Status,
    JsonNode? Body,
    string? ContentType,
    Func<string, string?> Header,
    string Text = ""
)
{
    public string? Field => Body?["field"]?.GetValue<string>();
    public string? Reason => Body?["reason"]?.GetValue<string>();
    public JsonNode this[string name] => Body![name]!;

    public T Get<T>(string name) => Body![name]!.GetValue<T>();

    public override string ToString() => $"{Status} {Body?.ToJsonString()}";
}

/// <summary>
/// Real HTTP requests through the hosted pipeline, with bodies written the way a client writes them. Every answer
/// to an API call is held to the service's OpenAPI document: an undocumented status or header, a null where the
/// document says non-null, or a missing required property fails the test that received it; a <c>Location</c> it
/// sends is followed, and must lead somewhere.
/// </summary>
public static class Http
{
    public static readonly JsonSerializerOptions Json = new JsonSerializerOptions(
        JsonSerializerDefaults.Web
    ).ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    public static Task<Answer> Post(
        this IAlbaHost host,
        string url,
        object? body,
        params (string Name, string Value)[] headers
    ) => host.Send(HttpMethod.Post, url, body is string raw ? raw : JsonSerializer.Serialize(body, Json), headers);

    public static Task<Answer> Put(
        this IAlbaHost host,
        string url,
        object? body,
        params (string Name, string Value)[] headers
    ) => host.Send(HttpMethod.Put, url, body is string raw ? raw : JsonSerializer.Serialize(body, Json), headers);

    /// <summary>
    /// Send no credentials at all; without this (or credentials of its own) a request goes as the bootstrap admin.
    /// </summary>
    public static readonly (string Name, string Value) Anonymous = ("", "");

    public static (string Name, string Value) WithKey(string key) => ("X-Api-Key", key);

    public static (string Name, string Value) WithToken(string token) => ("Authorization", "Bearer " + token);

    public static Task<Answer> Get(this IAlbaHost host, string url, params (string Name, string Value)[] headers) =>
        host.Send(HttpMethod.Get, url, null, headers);

    public static async Task<Answer> Send(
        this IAlbaHost host,
        HttpMethod method,
        string url,
        string? json,
        params (string Name, string Value)[] headers
    )
    {
        var credentials = headers.Any(h => h.Name is "X-Api-Key" or "Authorization" || h == Anonymous)
            ? headers.Where(h => h != Anonymous)
            : headers.Append(WithKey(LoyaltyApp.AdminKey));
        var result = await host.Scenario(s =>
        {
            if (method == HttpMethod.Get)
                s.Get.Url(url);
            else if (method == HttpMethod.Delete)
                s.Delete.Url(url);
            else if (method == HttpMethod.Put)
                s.Put.RawJson(json ?? "").ToUrl(url);
            else
                s.Post.RawJson(json ?? "").ToUrl(url);
            foreach (var (name, value) in credentials)
                s.WithRequestHeader(name, value);
            s.IgnoreStatusCode();
        });
        var text = await result.ReadAsTextAsync();
        var response = result.Context.Response;
        string? Header(string name) => response.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
        if (!OutsideTheApi.Any(url.StartsWith))
        {
            var violations = LoyaltyApp.Contract.Violations(
                method.Method,
                url,
                response.StatusCode,
                response.ContentType,
                text,
                Header
            );
            var broken = string.Join("\n", violations);
            Assert.True(violations.Count == 0, $"The answer breaks the document:\n{broken}\n{text}");
            var namesInternals = response.StatusCode >= 400 && InternalNames.IsMatch(text);
            Assert.False(namesInternals, $"A refusal names an internal type: {text}");
        }
        if (response.StatusCode is >= 200 and < 300 && Header("Location") is { } location)
        {
            var followed = await host.Send(HttpMethod.Get, location, null, credentials.ToArray());
            Assert.True(followed.Status == 200, $"The Location {location} cannot be followed: {followed}");
        }
        var isJson = !string.IsNullOrWhiteSpace(text) && response.ContentType?.Contains("json") == true;
        var body = isJson ? JsonNode.Parse(text) : null;
        return new Answer(response.StatusCode, body, response.ContentType, Header, text);
    }

    private static readonly System.Text.RegularExpressions.Regex InternalNames = new(
        @"\b(Loyalty|System|NodaTime|Marten|Wolverine)\.[A-Z]"
    );

    /// <summary>What the service serves besides the API: the document itself, its reference page, health,
    /// metrics.</summary>
    private static readonly string[] OutsideTheApi = ["/openapi/", "/docs", "/health/", "/metrics"];
}
