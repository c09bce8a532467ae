using System.Diagnostics;
using System.Diagnostics.Metrics;
using Loyalty.Domain.Access;
using Loyalty.Domain.Points;
using Marten;
using Marten.Services;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// Traces and metrics with OpenTelemetry, from each part's own instrumentation (ASP.NET Core, HttpClient, Wolverine,
/// Marten, Npgsql, the runtime) plus the program's own counters (<see cref="LoyaltyMetrics"/>). Metrics are always
/// collected and served to Prometheus at <c>/metrics</c>, to callers with <c>metrics:read</c>. Traces are recorded
/// only where they can go: to the OTLP endpoint (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), or where
/// <c>Loyalty:Telemetry:Traces</c> is true. No tag carries a key, a token or a member's personal data: routes carry
/// ids, query values are redacted, and SQL is sent with its parameters apart.
/// </summary>
public static class Telemetry
{
    public const string Name = "Loyalty";
    public const string MetricsPath = "/metrics";
    public static readonly ActivitySource Source = new(Name);

    public static void AddLoyaltyTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddSingleton<LoyaltyMetrics>();
        var telemetry = builder
            .Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("loyalty-api"));
        if (configuration.GetValue("Loyalty:Telemetry:Metrics", true))
            telemetry.WithMetrics(metrics =>
                metrics
                    .AddMeter(Name, "Marten", "Wolverine:*")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddPrometheusExporter()
            );
        if (otlp || configuration.GetValue("Loyalty:Telemetry:Traces", false))
            telemetry.WithTracing(tracing =>
                tracing
                    .AddSource(Name, "Marten", "Wolverine")
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => http.Request.Path != MetricsPath)
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
            );
        if (otlp)
            telemetry.UseOtlpExporter();
    }

    public static void MapLoyaltyMetrics(this WebApplication app)
    {
        if (app.Configuration.GetValue("Loyalty:Telemetry:Metrics", true))
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Permissions.MetricsRead);
    }
}

/// <summary>The program's own counters, one set per service (made by its <see cref="IMeterFactory"/>).</summary>
public sealed class LoyaltyMetrics
{
    public Meter Meter { get; }
    public Counter<long> PointsEarned { get; }
    public Counter<long> PointsRedeemed { get; }
    public Counter<long> PointsExpired { get; }
    public Counter<long> PointsReversed { get; }
    public Counter<long> WritesRetried { get; }
    public Counter<long> WritesReplayed { get; }
    public Counter<long> JobRuns { get; }
    public Counter<long> JobMembers { get; }

    public LoyaltyMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(Telemetry.Name);
        PointsEarned = Meter.CreateCounter<long>("loyalty.points.earned", "{point}", "Points earned");
        PointsRedeemed = Meter.CreateCounter<long>(
            "loyalty.points.redeemed",
            "{point}",
            "Points redeemed, directly or by capturing a hold"
        );
        PointsExpired = Meter.CreateCounter<long>("loyalty.points.expired", "{point}", "Points expired");
        PointsReversed = Meter.CreateCounter<long>(
            "loyalty.points.reversed",
            "{point}",
            "Earned points taken back by returns"
        );
        WritesRetried = Meter.CreateCounter<long>(
            "loyalty.writes.retried",
            "{write}",
            "Writes decided again because another writer changed the member first"
        );
        WritesReplayed = Meter.CreateCounter<long>(
            "loyalty.writes.replayed",
            "{write}",
            "Repeated requests answered with their first answer (idempotent replays)"
        );
        JobRuns = Meter.CreateCounter<long>("loyalty.job.runs", "{run}", "Runs of a scheduled job, by job");
        JobMembers = Meter.CreateCounter<long>(
            "loyalty.job.members",
            "{member}",
            "Members a scheduled job changed, by job"
        );
    }

    /// <summary>Counts the points in every committed change, whoever made it: an endpoint, a job or a timer.</summary>
    public sealed class PointsCounter(LoyaltyMetrics metrics) : DocumentSessionListenerBase
    {
        public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            foreach (var e in commit.GetEvents())
            {
                switch (e.Data)
                {
                    case PointsEarned earned:
                        metrics.PointsEarned.Add(earned.Points);
                        break;
                    case PointsRedeemed redeemed:
                        metrics.PointsRedeemed.Add(redeemed.Points);
                        break;
                    case HoldCaptured captured:
                        metrics.PointsRedeemed.Add(captured.Points);
                        break;
                    case PointsExpired expired:
                        metrics.PointsExpired.Add(expired.Points);
                        break;
                    case PointsReversed reversed:
                        metrics.PointsReversed.Add(reversed.Points);
                        break;
                    case Domain.Campaigns.CampaignPointsEarned campaigns:
                        metrics.PointsEarned.Add(campaigns.Points);
                        break;
                    case Domain.Campaigns.CampaignPointsReversed campaigns:
                        metrics.PointsReversed.Add(campaigns.Points);
                        break;
                    case Domain.Referrals.ReferralPointsEarned referral:
                        metrics.PointsEarned.Add(referral.Points);
                        break;
                    case Domain.Referrals.ReferralPointsClawedBack referral:
                        metrics.PointsReversed.Add(referral.Points);
                        break;
                }
            }
            return Task.CompletedTask;
        }
    }
}
