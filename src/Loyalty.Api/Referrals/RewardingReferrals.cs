using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Common;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Referrals;
using Marten;
using NodaTime;

namespace Loyalty.Api.Referrals;

/// <summary>Rewarding a referral whose return window has passed, within the referrer's caps.</summary>
public sealed record RewardingReferral(ReferralView View, ProgramSettings Program, Instant Now, Actor By)
    : ReferralWrite(View.ReferrerId, View.Referral.ReferredId, Program, By)
{
    public override IReadOnlyList<IReferralEvent> Decide(ReferralParties parties) =>
        RewardReferral.WhenDue(
            parties.Referral,
            parties.Referrer.Account.ReferrerRewards,
            Program.Zone(),
            Now,
            parties.Referrer.Account.Closed
        );
}

/// <summary>What one run of the referral reward job did.</summary>
public sealed record ReferralRewardRun(int Due, int Rewarded);

/// <summary>
/// Rewards the qualified referrals that are due and not held. Idempotent and safe on two nodes: a referral is
/// rewarded only while qualified, and the reward commits with that change of its stream, so a second run (here or on
/// another node) finds nothing to do, or conflicts and is decided again on what the first wrote.
/// </summary>
public sealed class ReferralRewardJob(
    IDocumentStore store,
    EventStreams streams,
    ProgramSettingsCache programSettings,
    ILogger<ReferralRewardJob> log
)
{
    public static readonly Actor Job = Actor.System("referral-rewards");

    /// <summary>
    /// <c>reward-referrals</c>: one run of the job for an operator (or a scheduler of their own, with
    /// <c>Loyalty:Referrals:Enabled</c> false on the nodes); safe beside the nodes' own runs.
    /// </summary>
    public static async Task<int> RunOnceAsync(IServiceProvider services)
    {
        var run = await services.GetRequiredService<ReferralRewardJob>().RunAsync(CancellationToken.None);
        Console.WriteLine($"{run.Rewarded} of {run.Due} due referrals rewarded.");
        return 0;
    }

    public async Task<ReferralRewardRun> RunAsync(CancellationToken ct)
    {
        using var span = Telemetry.Source.StartActivity("Referral rewards");
        var now = streams.Now;
        IReadOnlyList<ReferralView> qualified;
        await using (var session = store.QuerySession())
            qualified = await session
                .Query<ReferralView>()
                .Where(v => v.Status == Referral.Qualified && !v.Held)
                .ToListAsync(ct);
        var due = qualified.Where(v => v.Referral.RewardDue <= now).ToList();
        if (due.Count == 0)
            return new(0, 0);
        var program = await programSettings.CurrentAsync(ct);
        var rewarded = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct };
        await Parallel.ForEachAsync(
            due,
            options,
            async (view, token) =>
            {
                var committed = await streams.Apply(new RewardingReferral(view, program, now, Job), token);
                if (committed.Events.Count > 0)
                    Interlocked.Increment(ref rewarded);
            }
        );
        log.LogInformation(
            "Referral rewards at {At}: {Rewarded} of {Due} due referrals rewarded",
            now,
            rewarded,
            due.Count
        );
        return new(due.Count, rewarded);
    }
}

/// <summary>
/// Runs the referral reward job every <c>Loyalty:Referrals:CheckSeconds</c> (default 300);
/// <c>Loyalty:Referrals:Enabled</c> false turns it off.
/// </summary>
public sealed class ReferralRewardScheduler(
    ReferralRewardJob job,
    IConfiguration configuration,
    ILogger<ReferralRewardScheduler> log
) : JobScheduler(configuration, log, "Referrals", 300)
{
    protected override Task RunOnceAsync(CancellationToken ct) => job.RunAsync(ct);
}
