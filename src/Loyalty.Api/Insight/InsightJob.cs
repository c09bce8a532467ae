using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Points;
using Loyalty.Api.Rules;
using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Members;
using Marten;
using NodaTime;

namespace Loyalty.Api.Insight;

/// <summary>
/// What one run of the insight job did: members changed, events written, members scored (null: no scoring).
/// </summary>
public sealed record InsightRun(int Members, int Events, int? Scored);

/// <summary>
/// A night's scoring, claimed by the first run of the local day (its id is the date): no other run, on this node or
/// another, scores that day again. Completed when the scores are written; a run cut short leaves the night unscored.
/// </summary>
public sealed record ScoringNight(
    string Id,
    Instant ClaimedAt,
    Instant? CompletedAt = null,
    int Members = 0,
    int Active = 0
);

/// <summary>A member's scores and segment of the last night, as the insight answer shows them.</summary>
public sealed record MemberScores(Guid Id, string? Segment, RfmScore? Scores, LocalDate ScoredOn);

/// <summary>
/// Records each change of a member's lifecycle stage (by purchases and by the passage of time) and, on the first run
/// of each local day in the program's zone, scores every active member and records each change of segment. Each
/// member's changes are a write of their own at the stream version read, decided again on the member's account, so
/// a second run, or a second node running at once, records nothing twice.
/// </summary>
public sealed class InsightJob(
    IDocumentStore store,
    LoyaltyDatabase database,
    EventStreams streams,
    ProgramSettingsCache programSettings,
    ILogger<InsightJob> log
)
{
    public static readonly Actor Job = Actor.System("insight");

    /// <summary>The <c>insight</c> command: one run now, as the scheduler would do it.</summary>
    public static async Task<int> RunOnceAsync(IServiceProvider services)
    {
        var run = await services.GetRequiredService<InsightJob>().RunAsync(CancellationToken.None);
        Console.WriteLine(
            $"{run.Members} members changed ({run.Events} events); {run.Scored?.ToString() ?? "none"} scored."
        );
        return 0;
    }

    public async Task<InsightRun> RunAsync(CancellationToken ct)
    {
        var now = streams.Now;
        var program = await programSettings.CurrentAsync(ct);
        var zone = DateTimeZoneProviders.Tzdb[program.TimeZone];
        var today = now.InZone(zone).Date;
        var members = await InsightFacts.OpenMembersAsync(database.DataSource, ct);
        var verdicts = await ClaimNightAsync(today, now, ct) ? await ScoreAsync(members, zone, today, ct) : null;

        var due = members
            .Where(m =>
                Lifecycle.StageAt(m.EnrolledAt, m.LastPurchaseAt, now, zone, program.Lifecycle).Stage != m.Stage
                || verdicts is not null && verdicts[m.Id].Segment != m.Segment
            )
            .Select(m => m.Id)
            .ToList();
        var (changed, events) = await MemberJobs.RunAsync(
            "Insight review",
            due,
            streams,
            id => new ReviewingInsight(id, program.Lifecycle, zone, now, verdicts?.GetValueOrDefault(id)),
            log,
            ct
        );
        if (verdicts is not null)
            await RecordScoresAsync(verdicts, today, now, ct);
        return new InsightRun(changed, events.Count, verdicts?.Count);
    }

    private async Task<bool> ClaimNightAsync(LocalDate today, Instant now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<ScoringNight>(NightId(today), ct) is not null)
            return false;
        session.Insert(new ScoringNight(NightId(today), now));
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception e) when (EventStreams.IsWriteConflict(e))
        {
            return false; // another node claimed it first
        }
    }

    private async Task<IReadOnlyDictionary<Guid, SegmentVerdict>> ScoreAsync(
        IReadOnlyList<MemberFacts> members,
        DateTimeZone zone,
        LocalDate today,
        CancellationToken ct
    )
    {
        var windowStart = today.PlusDays(-Rfm.WindowDays + 1).AtStartOfDayInZone(zone).ToInstant();
        var bought = await InsightFacts.BoughtSinceAsync(database.DataSource, windowStart, ct);
        return InsightFacts.Score(members, bought, zone, today);
    }

    private async Task RecordScoresAsync(
        IReadOnlyDictionary<Guid, SegmentVerdict> verdicts,
        LocalDate today,
        Instant now,
        CancellationToken ct
    )
    {
        var scores = verdicts.Select(v => new MemberScores(v.Key, v.Value.Segment, v.Value.Scores, today)).ToList();
        // Upserts a thousand at a time: Marten's bulk overwrite stages rows in a temporary table that a pooled
        // connection, not reset on close, would still hold the next night.
        foreach (var chunk in scores.Chunk(1000))
        {
            await using var batch = store.LightweightSession();
            batch.Store<MemberScores>(chunk);
            await batch.SaveChangesAsync(ct);
        }
        await using var session = store.LightweightSession();
        var active = scores.Count(s => s.Scores is not null);
        session.Store(new ScoringNight(NightId(today), now, now, scores.Count, active));
        await session.SaveChangesAsync(ct);
        log.LogInformation("Scoring of {Day} done: {Active} of {Members} members active", today, active, scores.Count);
    }

    private static string NightId(LocalDate day) => day.ToString("yyyy-MM-dd", null);
}

/// <summary>A member's stage as it stands today and the night's segment, recorded where they changed.</summary>
public sealed record ReviewingInsight(
    Guid MemberId,
    LifecycleThresholds Thresholds,
    DateTimeZone Zone,
    Instant Now,
    SegmentVerdict? Segment
) : JobWrite(MemberId)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<NoRecord> state) =>
        ReviewInsight.Decide(state.Account, Thresholds, Zone, Now, Segment, InsightJob.Job);
}

/// <summary>
/// Runs the insight job every <c>Loyalty:Insight:CheckSeconds</c> (default 300); <c>Loyalty:Insight:Enabled</c> false
/// turns it off.
/// </summary>
public sealed class InsightScheduler(InsightJob job, IConfiguration configuration, ILogger<InsightScheduler> log)
    : JobScheduler(configuration, log, "Insight", 300)
{
    protected override Task RunOnceAsync(CancellationToken ct) => job.RunAsync(ct);
}
