using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Points;
using Loyalty.Api.Rules;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using Marten;
using NodaTime;

namespace Loyalty.Api.Tiers;

/// <summary>What one run of the standing job did.</summary>
public sealed record StandingRun(int Members, int Events);

/// <summary>
/// Records what time alone brings to a member's standing: tier reviews, the end of a tier's grace, the end of a paid
/// membership. Each member's next such moment is on their balance document (indexed), written with the events that
/// set it, so it survives restarts; each is recorded at the moment it was due. Idempotent: what is recorded moves the
/// member's next moment on, so a second run (or a second node running at once, kept apart by the stream version)
/// finds nothing to do.
/// </summary>
public sealed class StandingJob(
    IDocumentStore store,
    EventStreams streams,
    ProgramSettingsCache programSettings,
    ILogger<StandingJob> log
)
{
    public static readonly Actor Job = Actor.System("standing-review");

    public async Task<StandingRun> RunAsync(CancellationToken ct)
    {
        var now = streams.Now;
        var program = await programSettings.CurrentAsync(ct);
        var cutoff = now.ToUnixTimeMilliseconds();
        var (members, events) = await MemberJobs.RunAsync(
            "Standing review",
            store,
            b => b.NextStandingCheck <= cutoff,
            streams,
            member => new ReviewingStanding(member, program, now),
            log,
            ct
        );
        if (members == 0)
            return new StandingRun(0, 0);
        log.LogInformation(
            "Standing review at {At} done: {Events} changes for {Members} members",
            now,
            events.Count,
            members
        );
        return new StandingRun(members, events.Count);
    }
}

/// <summary>Reviewing a member's standing: the tier reviews and the membership's end that have come.</summary>
public sealed record ReviewingStanding(Guid MemberId, ProgramSettings Program, Instant Now) : JobWrite(MemberId)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<NoRecord> state) =>
        [
            .. TierQualification.Review(state.Account, Program, Now, StandingJob.Job),
            .. MembershipReport.EndIfDue(state.Account, Now, StandingJob.Job),
        ];
}

/// <summary>
/// Runs the standing job every <c>Loyalty:Standing:CheckSeconds</c> (default 60); <c>Loyalty:Standing:Enabled</c> false
/// turns it off.
/// </summary>
public sealed class StandingScheduler(StandingJob job, IConfiguration configuration, ILogger<StandingScheduler> log)
    : JobScheduler(configuration, log, "Standing", 60)
{
    protected override Task RunOnceAsync(CancellationToken ct) => job.RunAsync(ct);
}
