using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Points;
using Loyalty.Api.Rules;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Marten;
using NodaTime;

namespace Loyalty.Api.Expiry;

/// <summary>The last program-zone day the expiry job completed for: the job's durable memory.</summary>
public sealed record ExpirySchedule(string Id, LocalDate LastRunDay)
{
    public const string PointsExpiry = "points-expiry";
}

/// <summary>What one run of the expiry job did.</summary>
public sealed record ExpiryRun(Instant At, int Members, long Points);

/// <summary>
/// Expires every lot past its expiry, one member at a time, recording <c>PointsExpired</c> with the lots and amounts.
/// Idempotent: a lot expired once is closed, so a second run (or a second node running at the same moment, kept apart
/// by the stream version) finds nothing to do.
/// </summary>
public sealed class PointsExpiryJob(
    IDocumentStore store,
    EventStreams streams,
    ProgramSettingsCache programSettings,
    ILogger<PointsExpiryJob> log
)
{
    public static readonly Actor Job = Actor.System("points-expiry");

    public async Task<ExpiryRun> RunAsync(CancellationToken ct)
    {
        var now = streams.Now;
        var program = await programSettings.CurrentAsync(ct);
        var cutoff = now.ToUnixTimeMilliseconds();
        var command = new ExpirePoints(now, Job);
        var (members, events) = await MemberJobs.RunAsync(
            "Points expiry",
            store,
            b => b.NextExpiry <= cutoff,
            streams,
            member => new ExpiringLots(member, command),
            log,
            ct
        );
        var points = events.OfType<PointsExpired>().Sum(e => (long)e.Points);
        log.LogInformation(
            "Points expiry at {At} done: {Points} points of {Members} members expired",
            now,
            points,
            members
        );
        return new ExpiryRun(now, members, points);
    }
}

/// <summary>Expiring a member's lapsed lots: decided on their account.</summary>
public sealed record ExpiringLots(Guid MemberId, ExpirePoints Command) : JobWrite(MemberId)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<NoRecord> state) =>
        ExpirePoints.Decide(state.Account, Command);
}

/// <summary>
/// Runs the expiry job once per day, at the program's local midnight (lots expire at the start of a local day), and
/// remembers in the database which day it last completed: a restart neither loses a day (a missed midnight runs at
/// start) nor repeats one. Several nodes may both run; the job's idempotence keeps that harmless.
/// </summary>
public sealed class PointsExpiryScheduler(
    IDocumentStore store,
    PointsExpiryJob job,
    ProgramSettingsCache programSettings,
    IClock clock,
    IConfiguration configuration,
    ILogger<PointsExpiryScheduler> log
) : JobScheduler(configuration, log, "Expiry", 60)
{
    /// <summary>
    /// Runs the job if the program's current local day has not had its run yet; returns the run, or null.
    /// </summary>
    public async Task<ExpiryRun?> TickAsync(CancellationToken ct)
    {
        var program = await programSettings.CurrentAsync(ct);
        var today = clock.GetCurrentInstant().InZone(program.Zone()).Date;
        await using var session = store.LightweightSession();
        var schedule = await session.LoadAsync<ExpirySchedule>(ExpirySchedule.PointsExpiry, ct);
        if (schedule is not null && schedule.LastRunDay >= today)
            return null;
        var run = await job.RunAsync(ct);
        session.Store(new ExpirySchedule(ExpirySchedule.PointsExpiry, today));
        await session.SaveChangesAsync(ct);
        return run;
    }

    protected override Task RunOnceAsync(CancellationToken ct) => TickAsync(ct);
}
