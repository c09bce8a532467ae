using System.Collections.Concurrent;
using Loyalty.Api.Auth;
using Loyalty.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Auth;

public class AccessAdministrationTests(LoyaltyApp app)
{
    [Fact]
    public async Task admin_actions_are_in_the_audit_filterable_by_actor_kind_and_time()
    {
        await using var host = await app.StartHostOnFreshDatabaseAsync();
        var admin = await host.Post("/api-keys", new { name = "second admin", roles = new[] { "admin" } });
        var secondAdmin = Http.WithKey(admin.Get<string>("key"));
        await host.Put(
            "/program/settings",
            new
            {
                currency = "EUR",
                timeZone = "Europe/Amsterdam",
                earnRate = new { points = 2, perAmount = 1 },
            },
            secondAdmin
        );
        await host.Put("/staff/fiona/roles/finance", null, secondAdmin);
        var finance = Http.WithToken(Tokens.ForStaff("fiona"));
        await LoyaltyApp.CatchUp(host);

        var all = await host.Get("/audit", finance);
        var bySecondAdmin = await host.Get($"/audit?actor={admin["details"]["id"]}", finance);
        var settings = await host.Get("/audit?kind=program-settings-changed", finance);
        var none = await host.Get($"/audit?to={LoyaltyApp.Start - NodaTime.Duration.FromDays(1)}", finance);

        var kinds = all["entries"].AsArray().Select(e => e!["kind"]!.GetValue<string>()).ToArray();
        Assert.Equal(["staff-role-granted", "program-settings-changed", "api-key-issued"], kinds[..3]);
        // what the install itself recorded
        Assert.Equal(["api-key-issued", "program-settings-changed"], kinds[3..].Order());
        Assert.Equal(2, bySecondAdmin["entries"].AsArray().Count);
        Assert.Equal(
            [2, 1],
            settings["entries"]
                .AsArray()
                .Select(e => e!["summary"]!.GetValue<string>().StartsWith("rule version 2") ? 2 : 1)
        );
        Assert.True(none.Status == 200, none.ToString());
        Assert.Empty(none["entries"].AsArray());
        Assert.Equal("staff", all["entries"][0]!["by"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_audit_refuses_a_time_that_is_not_an_instant()
    {
        var answer = await app.Host.Get("/audit?from=yesterday");
        Assert.Equal(400, answer.Status);
        Assert.Equal("from", answer.Field);
    }

    [Fact]
    public async Task a_fresh_install_without_a_configured_key_prints_one_admin_key_once()
    {
        var notice = new CapturedNotice();
        var options = new HostOptions(
            FreshDatabase: true,
            ConfigureAdminKey: false,
            Services: s => s.AddSingleton<FirstKeyNotice>(notice)
        );
        await using var host = await app.StartHostAsync(options);

        var key = Assert.Single(notice.Shown);
        Assert.StartsWith("lk_", key);
        var issued = await host.Post(
            "/api-keys",
            new { name = "till", scopes = new[] { "points:earn" } },
            Http.WithKey(key)
        );
        Assert.Equal(201, issued.Status);
        Assert.Equal(401, (await host.Get("/api-keys", Http.WithKey(LoyaltyApp.AdminKey))).Status);
    }

    [Fact]
    public async Task a_caller_over_its_rate_is_told_to_retry_later()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Loyalty:Auth:RateLimit:ClientBurst"] = "3",
            ["Loyalty:Auth:RateLimit:ClientPermitsPerSecond"] = "1",
            ["Loyalty:Auth:RateLimit:MemberBurst"] = "2",
            ["Loyalty:Auth:RateLimit:MemberPermitsPerSecond"] = "1",
        };
        await using var host = await app.StartHostAsync(new HostOptions(Settings: settings));
        var card = NewId("card");
        var member = await app.Host.WithEnrolledMember(card);

        var asAdmin = new List<Answer>();
        for (var i = 0; i < 8; i++)
            asAdmin.Add(await host.Get("/program/settings"));
        var asMember = new List<Answer>();
        for (var i = 0; i < 6; i++)
            asMember.Add(await host.Get($"/members/{member}", Http.WithToken(Tokens.ForMember(card))));

        Assert.All(asAdmin.Take(3), a => Assert.Equal(200, a.Status));
        var limited = asAdmin.First(a => a.Status == 429);
        Assert.True(int.Parse(limited.Header("Retry-After")!) >= 1);
        Assert.Equal("application/problem+json", limited.ContentType);
        Assert.Contains(asMember, a => a.Status == 429);
    }

    [Fact]
    public async Task no_key_token_or_personal_data_reaches_the_logs_traces_or_metrics()
    {
        var logs = new CapturedLogs();
        var exportedSpans = new Exported<System.Diagnostics.Activity>();
        var exportedMetrics = new Exported<OpenTelemetry.Metrics.Metric>();
        await using var host = await app.StartHostAsync(
            new HostOptions(
                Settings: new Dictionary<string, string?> { ["Loyalty:Telemetry:Traces"] = "true" },
                Services: s =>
                {
                    s.AddSingleton<ILoggerProvider>(logs);
                    s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exportedSpans));
                    s.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exportedMetrics));
                }
            )
        );
        var key = (
            await host.Post("/api-keys", new { name = "logged?", scopes = new[] { "members:write", "members:read" } })
        ).Get<string>("key");
        var card = NewId("card");
        var token = Tokens.ForMember(card);
        await host.Post(
            "/members",
            new
            {
                externalId = card,
                name = "Private Person",
                email = "private@example.com",
                phone = "+31 6 5555 0000",
            },
            Http.WithKey(key)
        );
        await host.Get("/program/settings", Http.WithKey(key + "x"));
        await host.Get("/program/settings", Http.WithToken(token + "x"));
        await host.Get($"/members?externalId={card}", Http.WithToken(token));

        host.Services.GetRequiredService<OpenTelemetry.Trace.TracerProvider>().ForceFlush();
        host.Services.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>().ForceFlush();
        var (spans, metrics) = (exportedSpans.Copy(), exportedMetrics.Copy());

        Assert.NotEmpty(logs.Messages);
        string[] sources = ["Microsoft.AspNetCore", "Npgsql", "Marten"];
        Assert.All(sources, source => Assert.Contains(spans, span => span.Source.Name == source));
        Assert.Contains(metrics, metric => metric.MeterName == "Loyalty");
        var told = logs.Messages.Concat(spans.SelectMany(Telling)).Concat(metrics.SelectMany(Telling)).ToList();
        string[] secrets =
        [
            key,
            key[36..],
            LoyaltyApp.AdminKey,
            token,
            token.Split('.')[2],
            "private@example.com",
            "5555 0000",
            card,
        ];
        foreach (var secret in secrets)
            Assert.DoesNotContain(told, m => m.Contains(secret));
    }

    /// <summary>Everything a span tells: its name, tags, and its events' names and tags.</summary>
    private static IEnumerable<string> Telling(System.Diagnostics.Activity span) =>
        [
            span.DisplayName,
            .. span.TagObjects.Select(t => $"{t.Key}={t.Value}"),
            .. span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name} {t.Key}={t.Value}")),
        ];

    /// <summary>Everything a metric tells: its name and the tags of its points.</summary>
    private static IEnumerable<string> Telling(OpenTelemetry.Metrics.Metric metric)
    {
        var told = new List<string> { metric.Name };
        foreach (ref readonly var point in metric.GetMetricPoints())
        foreach (var tag in point.Tags)
            told.Add($"{tag.Key}={tag.Value}");
        return told;
    }

    /// <summary>
    /// What an exporter hands over, from any thread: spans of other tests' services running at the same time arrive
    /// too (span sources are process-wide), so the test reads a copy.
    /// </summary>
    private sealed class Exported<T> : System.Collections.ObjectModel.Collection<T>
    {
        protected override void InsertItem(int index, T item)
        {
            lock (this)
                base.InsertItem(index, item);
        }

        public T[] Copy()
        {
            lock (this)
                return [.. this];
        }
    }

    private sealed class CapturedNotice : FirstKeyNotice
    {
        public ConcurrentQueue<string> Shown { get; } = new();

        public override void Show(string key) => Shown.Enqueue(key);
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string category) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(CapturedLogs logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel level) => true;

            public void Log<TState>(
                LogLevel level,
                EventId id,
                TState state,
                Exception? e,
                Func<TState, Exception?, string> format
            ) => logs.Messages.Enqueue(format(state, e) + " " + e);
        }
    }
}
