using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace Loyalty.Api.Tests.Webhooks;

/// <summary>What the receiver was sent, and what it answered.</summary>
public sealed record Received(string EventId, string Type, string Body, string Signature, int Answered)
{
    /// <summary>Checks the signature as the README tells receivers to.</summary>
    public bool SignedWith(string secret)
    {
        var parts = Signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{Body}"));
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Convert.ToHexStringLower(mac)),
            Encoding.ASCII.GetBytes(parts["v1"])
        );
    }
}

/// <summary>
/// A webhook receiver on loopback, started by a test: it answers 500 to its first <see cref="Failing"/> requests and
/// 200 after, and hands every request to the test as it comes.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private readonly Task _loop;
    private int _failing;

    public WebhookReceiver(int failing = 0)
    {
        _failing = failing;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>How many of the coming requests are answered 500.</summary>
    public int Failing
    {
        set => Interlocked.Exchange(ref _failing, value);
    }

    /// <summary>The next request, within 60 seconds.</summary>
    public async Task<Received> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var status = Interlocked.Decrement(ref _failing) >= 0 ? 500 : 200;
            context.Response.StatusCode = status;
            context.Response.Close();
            var headers = context.Request.Headers;
            await _received.Writer.WriteAsync(
                new(
                    headers["Loyalty-Event-Id"] ?? "",
                    headers["Loyalty-Event-Type"] ?? "",
                    body,
                    headers["Loyalty-Signature"] ?? "",
                    status
                )
            );
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
