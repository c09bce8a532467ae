using System.Net;

namespace Loyalty.Bench;

/// <summary>A webhook receiver on loopback for the earn-webhooks scenario: answers 200 and counts deliveries.</summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private long _received;

    public WebhookSink()
    {
        Url = $"http://127.0.0.1:{Loyalty.Api.Infrastructure.LoopbackPort.Free()}/webhooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public long Received => Interlocked.Read(ref _received);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            try
            {
                var context = await _listener.GetContextAsync();
                await context.Request.InputStream.CopyToAsync(Stream.Null);
                context.Response.StatusCode = 200;
                context.Response.Close();
                Interlocked.Increment(ref _received);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
