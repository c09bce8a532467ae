using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Loyalty.Harness;

/// <summary>
/// One answer: status, body, how long it took. Status 0 means no answer at all (connection refused, reset).
/// </summary>
public sealed record Reply(int Status, JsonNode? Body, TimeSpan Elapsed, string? ContentType)
{
    /// <summary>How many times the request was sent before this answer.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>The body as sent, and the response's headers by name (content headers included).</summary>
    public string? Text { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public bool Ok => Status is >= 200 and < 300;
    public string? Field => Body?["field"]?.GetValue<string>();
}

/// <summary>A caller of the API over real HTTP, as a till or an app would be.</summary>
public sealed class LoyaltyClient(HttpClient http, string key)
{
    public static HttpClient HttpFor(Uri baseAddress, int connections) =>
        new(
            new SocketsHttpHandler
            {
                MaxConnectionsPerServer = connections,
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            }
        )
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public Task<Reply> Post(string path, object body) => Send(HttpMethod.Post, path, JsonSerializer.Serialize(body));

    public Task<Reply> PostRaw(string path, string body, string contentType = "application/json") =>
        Send(HttpMethod.Post, path, body, contentType);

    public Task<Reply> Get(string path) => Send(HttpMethod.Get, path, null);

    public Task<Reply> Send(HttpMethod method, string path, string? body, string contentType = "application/json") =>
        Send(method, path, body is null ? null : Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>Sends the bytes as they are, so a body can be broken below the level of text (bad UTF-8).</summary>
    public async Task<Reply> Send(HttpMethod method, string path, byte[]? body, string contentType)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            JsonNode? json = null;
            try
            {
                json = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            catch (JsonException) { }
            var headers = response
                .Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            return new Reply((int)response.StatusCode, json, watch.Elapsed, mediaType)
            {
                Text = text,
                Headers = headers,
            };
        }
        catch (HttpRequestException)
        {
            return new Reply(0, null, watch.Elapsed, null);
        }
        catch (TaskCanceledException)
        {
            return new Reply(0, null, watch.Elapsed, null);
        }
    }

    /// <summary>Reads a long answer as it streams, keeping none of it: its lines and bytes.</summary>
    public async Task<(long Lines, long Bytes)> StreamLinesAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        var (lines, bytes) = (0L, 0L);
        for (var read = await body.ReadAsync(buffer); read > 0; read = await body.ReadAsync(buffer))
        {
            bytes += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        return (lines, bytes);
    }

    /// <summary>
    /// A machine caller's write: sent again with the same idempotency key until the service gives a definite
    /// answer (not a network failure, not 503), as a till would after a timeout. Between sends it waits for
    /// <paramref name="availability"/> to say the service can answer.
    /// </summary>
    public async Task<Reply> PostUntilAnswered(string path, object body, Availability availability, TimeSpan patience)
    {
        var json = JsonSerializer.Serialize(body);
        var deadline = DateTime.UtcNow + patience;
        for (var attempt = 1; ; attempt++)
        {
            var reply = await Send(HttpMethod.Post, path, json);
            var left = deadline - DateTime.UtcNow;
            if (reply.Status is not (0 or 503) || left <= TimeSpan.Zero)
                return reply with { Attempts = attempt };
            try
            {
                await availability.WhenOpen().WaitAsync(left);
            }
            catch (TimeoutException)
            {
                return reply with { Attempts = attempt };
            }
        }
    }
}
