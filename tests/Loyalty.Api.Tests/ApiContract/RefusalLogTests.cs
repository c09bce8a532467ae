using System.Collections.Concurrent;
using Loyalty.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.ApiContract;

/// <summary>A caller's mistake is one line at Information without a stack trace; nothing at Warning or above.</summary>
public class RefusalLogTests(LoyaltyApp app)
{
    [Fact]
    public async Task refusals_are_logged_once_at_information_without_a_stack_trace()
    {
        var logs = new CapturedLogs();
        var options = new HostOptions(Services: s => s.AddSingleton<ILoggerProvider>(logs));
        await using var host = await app.StartHostAsync(options);
        var member = await host.WithMemberHolding(10);
        logs.Clear();

        await host.Post("/purchases", "{\"source\": pos");
        await host.Post("/purchases", """{"lines":[{"lineId":"1","quantity":"two"}]}""");
        await host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R",
                points = 500,
                reward = "tv",
            }
        );
        await host.Get("/no/such/route");

        var refusals = logs.Entries.Where(e => e.Category == "Loyalty.Api.Infrastructure.Problems").ToList();
        Assert.Equal(4, refusals.Count);
        Assert.All(refusals, e => Assert.Equal(LogLevel.Information, e.Level));
        Assert.Empty(logs.Entries.Where(e => e.Level >= LogLevel.Warning || e.Exception is not null));
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, Exception? Exception)> Entries { get; private set; } =
            new();

        public void Clear() => Entries = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(CapturedLogs logs, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(
                LogLevel level,
                EventId id,
                TState state,
                Exception? exception,
                Func<TState, Exception?, string> formatter
            )
            {
                if (IsEnabled(level))
                    logs.Entries.Enqueue((category, level, exception));
            }
        }
    }
}
