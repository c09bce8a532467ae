using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Loyalty.Api.Auth;
using Loyalty.Api.Automations;
using Loyalty.Api.Campaigns;
using Loyalty.Api.Expiry;
using Loyalty.Api.Insight;
using Loyalty.Api.Referrals;
using Loyalty.Api.Rules;
using Loyalty.Api.Tiers;
using Loyalty.Api.Webhooks;
using Loyalty.Domain.Access;
using Loyalty.Domain.Automations;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Members;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Webhooks;
using Loyalty.Projections.Access;
using Loyalty.Projections.Audit;
using Loyalty.Projections.Automations;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Campaigns;
using Loyalty.Projections.Common;
using Loyalty.Projections.Finance;
using Loyalty.Projections.Ledger;
using Loyalty.Projections.Members;
using Loyalty.Projections.Program;
using Loyalty.Projections.Purchases;
using Loyalty.Projections.Referrals;
using Loyalty.Projections.Webhooks;
using Marten;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Npgsql;
using Scalar.AspNetCore;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Loyalty.Api.Infrastructure;

public static class Wiring
{
    /// <summary>Where the service listens when nothing else is configured.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplicationBuilder AddLoyalty(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        ListenByDefaultOnPort5080(builder);
        var clockFile = builder.Configuration["Loyalty:Testing:ClockOffsetFile"];
        services.AddSingleton<IClock>(
            string.IsNullOrWhiteSpace(clockFile) ? SystemClock.Instance : new OffsetFileClock(clockFile)
        );
        services.AddSingleton<LoyaltyDatabase>();
        services.AddSingleton<EventStreams>();
        services.AddSingleton<ProgramSettingsCache>();
        services.AddSingleton<CampaignsCache>();
        services.Configure<ProgramDefaults>(builder.Configuration.GetSection("Loyalty:Program"));

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
            o.SerializerOptions.Converters.Insert(0, new InstantJson());
            // Numbers are numbers: "12" is not read as 12, so the document can say "integer" and mean it.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            // A non-nullable property is never null, so the document can say so.
            o.SerializerOptions.RespectNullableAnnotations = true;
        });
        QuietUnreadableBodies(builder.Logging);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Normalize);
        services.AddExceptionHandler<Problems>();
        // A lambda, not a method group: only this form is intercepted to add the doc comments to the document.
        services.AddOpenApi(options => OpenApi.Configure(options, builder.Configuration));
        builder.AddLoyaltyTelemetry();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

        services
            .AddMarten(sp =>
            {
                var opts = StoreOptionsFor(
                    sp.GetRequiredService<LoyaltyDatabase>().DataSource,
                    sp.GetRequiredService<LoyaltyMetrics>()
                );
                opts.Logger(new MartenLog(sp.GetRequiredService<ILogger<IDocumentStore>>()));
                return opts;
            })
            .UseLightweightSessions()
            .AddAsyncDaemon(DaemonMode.HotCold)
            .ApplyAllDatabaseChangesOnStartup()
            .IntegrateWithWolverine();

        services.AddHostedService<ProgramSetup>();
        services.AddSingleton<PointsExpiryJob>();
        services.AddSingleton<PointsExpiryScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<PointsExpiryScheduler>());
        services.AddSingleton<StandingJob>();
        services.AddHostedService<StandingScheduler>();
        services.AddSingleton<BirthdayJob>();
        services.AddHostedService<BirthdayScheduler>();
        services.AddSingleton<ReferralRewardJob>();
        services.AddHostedService<ReferralRewardScheduler>();
        services.AddWebhooks(builder.Configuration);
        services.AddSingleton<AutomationsCache>();
        services.AddSingleton<AutomationJob>();
        services.AddHostedService<AutomationScheduler>();
        services.AddSingleton<IEventSubscribers, AutomationTriggers>();
        services.AddSingleton<InsightJob>();
        services.AddHostedService<InsightScheduler>();
        builder.AddLoyaltyAuth();

        builder.Host.UseWolverine(opts =>
        {
            opts.ApplicationAssembly = typeof(Wiring).Assembly;
            opts.UseRuntimeCompilation();
            // Scheduled messages (a hold's release) are kept in PostgreSQL until handled.
            opts.Policies.UseDurableLocalQueues();
            // How soon a scheduled message (a webhook's retry) is taken up once due.
            var poll = builder.Configuration.GetValue("Loyalty:Scheduling:PollMilliseconds", 5000);
            opts.Durability.ScheduledJobPollingTime = TimeSpan.FromMilliseconds(poll);
        });
        services.AddWolverineHttp();
        return builder;
    }

    /// <summary>
    /// http://localhost:5080 unless an address is configured anywhere: ASPNETCORE_URLS or Urls, ASPNETCORE_HTTP_PORTS
    /// (which .NET's container images set), --urls, or Kestrel endpoints. In appsettings.json it would override them.
    /// </summary>
    private static void ListenByDefaultOnPort5080(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration;
        string[] addresses = ["urls", "http_ports", "https_ports"];
        if (addresses.Any(key => !string.IsNullOrWhiteSpace(configured[key])))
            return;
        if (configured.GetSection("Kestrel:Endpoints").Exists())
            return;
        builder.WebHost.UseUrls(DefaultUrl);
    }

    /// <summary>
    /// Wolverine logs a body it cannot read as an Error, stack trace and all, under the request type's name. It is
    /// the caller's mistake, answered 400 and logged once as a refusal (<see cref="Problems.Normalize"/>).
    /// </summary>
    private static void QuietUnreadableBodies(ILoggingBuilder logging)
    {
        foreach (var request in typeof(Wiring).Assembly.GetTypes().Where(OpenApiSchemas.IsRequest))
            logging.AddFilter(request.FullName, LogLevel.None);
    }

    /// <summary>
    /// The event store and its read models; also what the benchmark and the fault tests read the database with.
    /// </summary>
    public static StoreOptions StoreOptionsFor(NpgsqlDataSource dataSource, LoyaltyMetrics? metrics = null)
    {
        var opts = new StoreOptions();
        opts.Connection(dataSource);
        opts.DatabaseSchemaName = "loyalty";
        opts.UseSystemTextJsonForSerialization(configure: j => j.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb));
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.Events.StreamIdentity = StreamIdentity.AsGuid;
        opts.Events.AddEventTypes(EventTypes());
        opts.Events.UseIdentityMapForAggregates = true; // our aggregates are immutable records
        opts.Events.AppendMode = EventAppendMode.Quick;
        opts.Events.EnableSideEffectsOnInlineProjections = true; // the balance keeps the liability's lot rows
        if (metrics is not null)
            opts.Listeners.Add(new LoyaltyMetrics.PointsCounter(metrics));
        opts.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal; // spans only while traced

        // Inline: committed with the events, so a read right after a write sees it.
        opts.Projections.Add<MemberBalanceProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<LedgerEntryProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<MemberViewProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<PurchaseRecordProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<RedemptionRecordProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<HoldRecordProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<ProgramSettingsProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<CampaignViewProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<ReferralViewProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<ApiKeyProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<StaffDirectoryProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<WebhookProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<AutomationViewProjection>(ProjectionLifecycle.Inline);
        // Async: the audit is read, not decided on, and needs the global event sequence for its order.
        opts.Projections.Add<AuditEntryProjection>(ProjectionLifecycle.Async);
        opts.Projections.Add<PointsFlowDayProjection>(ProjectionLifecycle.Async);

        // One index serving "this member's entries up to a version, newest first", whatever plan PostgreSQL caches for
        // it.
        opts.Schema.For<LedgerEntry>().Index(e => new { e.MemberId, e.Version });
        // The export's period and order: one index, so a million rows stream without a sort first.
        opts.Schema.For<LedgerEntry>()
            .Duplicate(
                e => e.KnownAtUnixMilliseconds,
                configure: index => index.Columns = ["known_at_unix_milliseconds", "id"]
            );
        opts.Schema.For<AuditEntry>().Index(e => e.Sequence).Index(e => e.Kind);
        opts.Schema.For<MemberView>().UniqueIndex(m => m.ExternalId);
        opts.Schema.For<IdempotencyRecord>();
        opts.Schema.For<MemberBalance>().Index(b => b.NextExpiry).Index(b => b.NextStandingCheck);
        // The insight job's facts, read by scanning (no index), and the members' lists by stage, segment and tier.
        opts.Schema.For<MemberBalance>()
            .Duplicate(b => b.Closed, configure: Unindexed)
            .Duplicate(b => b.EnrolledAtUnixMilliseconds!, configure: Unindexed)
            .Duplicate(b => b.LastPurchaseUnixMilliseconds!, configure: Unindexed)
            .Duplicate(b => b.Stage!)
            .Duplicate(b => b.Segment!)
            .Duplicate(b => b.EarnedTier!);
        opts.Schema.For<PurchaseRecord>()
            .Duplicate(p => p.MemberId)
            .Duplicate(p => p.AtUnixMilliseconds)
            .Duplicate(p => p.Paid, pgType: "numeric", configure: Unindexed);
        opts.Schema.For<WebhookSecret>();
        opts.Schema.For<WebhookDelivery>().Index(d => d.WebhookId).Index(d => d.CreatedAtUnixMilliseconds);
        opts.Schema.For<MemberScores>();
        opts.Schema.For<ScoringNight>();
        opts.Schema.For<ExpirySchedule>().Identity(s => s.Id);
        opts.Schema.For<CampaignView>().UniqueIndex(c => c.Code).Index(c => c.Status);
        opts.Schema.For<CampaignBudgetSlice>();
        opts.Schema.For<AutomationView>().UniqueIndex(a => a.Code).Index(a => a.Status);
        opts.Storage.ExtendedSchemaObjects.Add(CampaignBudgets.MoveFunction(opts.DatabaseSchemaName));
        opts.Schema.For<MemberView>().Index(m => m.BirthdayMonthDay);
        opts.Schema.For<MemberView>()
            .Duplicate(m => m.EnrolledAtUnixMilliseconds, configure: Unindexed)
            .Duplicate(m => m.ClosedAtUnixMilliseconds!, configure: Unindexed);
        opts.Schema.For<ReferralView>()
            .Index(v => v.ReferrerId)
            .Index(v => v.Status)
            .Index(v => v.MadeAtUnixMilliseconds);
        opts.Schema.For<ReferralCodeHolder>();
        opts.Schema.For<PointsFlowDay>().Index(d => d.EpochDay);
        opts.Storage.ExtendedSchemaObjects.Add(LiabilityLots.Definition(opts.DatabaseSchemaName));
        // Only purchases paid with a fingerprint are indexed: the others cost the index nothing.
        opts.Schema.For<PurchaseRecord>()
            .Index(
                p => p.Purchase.PaymentFingerprint!,
                index => index.Predicate = "data -> 'Purchase' ->> 'PaymentFingerprint' is not null"
            );
        return opts;
    }

    /// <summary>
    /// Marten indexes every duplicated column; a column only ever scanned gets an index that holds no row, so a write
    /// (which rewrites every index of its row) pays nothing for it.
    /// </summary>
    private static void Unindexed(Marten.Schema.DocumentIndex index) => index.Predicate = "false";

    private static IEnumerable<Type> EventTypes() =>
        DomainEvents
            .Implementing<IMemberEvent>()
            .Concat(DomainEvents.Implementing<IProgramEvent>())
            .Concat(DomainEvents.Implementing<IAccessEvent>())
            .Concat(DomainEvents.Implementing<ICampaignEvent>())
            .Concat(DomainEvents.Implementing<IReferralEvent>())
            .Concat(DomainEvents.Implementing<IFinanceEvent>())
            .Concat(DomainEvents.Implementing<IWebhookEvent>())
            .Concat(DomainEvents.Implementing<IAutomationEvent>());

    public static WebApplication UseLoyalty(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseLoyaltyAuth();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("Loyalty API")).AllowAnonymous();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") })
            .AllowAnonymous();
        app.MapLoyaltyMetrics();
        app.MapWolverineEndpoints(opts => opts.RejectUnparseableQueryValues = true);
        return app;
    }
}
