using Loyalty.Api.Campaigns;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Points;
using Loyalty.Api.Rules;
using Loyalty.Domain.Automations;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using Loyalty.Projections.Automations;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Members;
using Marten;
using NodaTime;

namespace Loyalty.Api.Automations;

/// <summary>What one run of the automation job did: members written to, automations fired.</summary>
public sealed record AutomationRun(int Members, int Fired);

/// <summary>
/// The active automations, as the job and the writes that may set them off decide on: read once per
/// <c>Loyalty:Program:CacheSeconds</c>, like the campaigns.
/// </summary>
public sealed class AutomationsCache(
    IDocumentStore store,
    Microsoft.Extensions.Options.IOptions<ProgramDefaults> options
) : ShortCache<int, IReadOnlyList<Automation>>(TimeSpan.FromSeconds(options.Value.CacheSeconds))
{
    public ValueTask<IReadOnlyList<Automation>> ActiveAsync(CancellationToken ct) =>
        GetAsync(
            0,
            async _ =>
            {
                await using var session = store.QuerySession();
                var views = await session
                    .Query<AutomationView>()
                    .Where(a => a.Status == AutomationRules.Active)
                    .ToListAsync(ct);
                return views.Select(v => v.Automation).ToList();
            }
        );

    public void Forget() => Forget(0);
}

/// <summary>
/// Fires automations (see <see cref="FireAutomations"/>). Every <c>Loyalty:Automations:CheckSeconds</c> it looks for
/// the members a moment of time has come for (a birthday, quiet days, points expiring, a tier review, a membership's
/// end), by their indexed or scanned columns; moments of a member's story are checked as soon as their event is
/// written (<see cref="AutomationTriggers"/>). Each member is a write of its own at the stream version read: the
/// occasions fired are on the member's stream, so a run again, a restart or a second node fires nothing twice.
/// </summary>
public sealed class AutomationJob(
    IDocumentStore store,
    EventStreams streams,
    ProgramSettingsCache programSettings,
    CampaignsCache campaigns,
    AutomationsCache automations,
    ILogger<AutomationJob> log
)
{
    public async Task<AutomationRun> RunAsync(CancellationToken ct)
    {
        var now = streams.Now;
        var timed = await ActiveAsync(byTime: true, ct);
        if (timed.Count == 0)
            return new(0, 0);
        var due = new HashSet<Guid>();
        await using (var session = store.QuerySession())
            foreach (var automation in timed)
                due.UnionWith(await AutomationCandidates.ForAsync(session, automation.Current.Rules.Trigger, now, ct));
        IReadOnlyList<Guid> members = [.. due];
        var writeFor = await WritesAsync(timed, members, now, ct);
        var (changed, events) = await MemberJobs.RunAsync("Automations", members, streams, writeFor, log, ct);
        var fired = events.OfType<AutomationFired>().Count();
        if (fired > 0)
            log.LogInformation("Automations at {At}: {Fired} fired for {Members} members", now, fired, changed);
        return new(changed, fired);
    }

    /// <summary>
    /// Fires the automations waiting for a member's events, after one was written: only then, so an occasion of the
    /// member's story is decided on the condition as it was when it came.
    /// </summary>
    public async Task<AutomationRun> CheckAsync(Guid member, CancellationToken ct)
    {
        var writeFor = await WritesAsync(await ActiveAsync(byTime: false, ct), [member], streams.Now, ct);
        var committed = await streams.Apply(writeFor(member), ct);
        return new(committed.Events.Count > 0 ? 1 : 0, committed.Events.OfType<AutomationFired>().Count());
    }

    private async Task<IReadOnlyList<Automation>> ActiveAsync(bool byTime, CancellationToken ct) =>
        [.. (await automations.ActiveAsync(ct)).Where(a => a.Current.Rules.Trigger.ByTime == byTime)];

    private async Task<Func<Guid, JobWrite>> WritesAsync(
        IReadOnlyList<Automation> firing,
        IReadOnlyList<Guid> members,
        Instant now,
        CancellationToken ct
    )
    {
        var program = await programSettings.CurrentAsync(ct);
        var awarding = await campaigns.ForAsync(ct, CampaignTrigger.Automation);
        var profiles = await AutomationCandidates.ProfilesAsync(store, members, firing, ct);
        return member => new FiringAutomations(
            member,
            profiles.GetValueOrDefault(member),
            program,
            firing,
            awarding,
            now
        );
    }
}

/// <summary>Firing the automations that have an occasion due for a member.</summary>
public sealed record FiringAutomations(
    Guid MemberId,
    MemberProfile? Profile,
    ProgramSettings Program,
    IReadOnlyList<Automation> Automations,
    IReadOnlyList<Campaign> Campaigns,
    Instant Now
) : JobWrite(MemberId)
{
    protected override IEnumerable<string> CampaignCodes =>
        Automations.Select(a => a.Current.Rules.AwardCampaign).OfType<string>().Distinct();

    public override IReadOnlyList<IMemberEvent> Decide(MemberState<NoRecord> state)
    {
        var fired = FireAutomations.Decide(
            state.Account,
            Profile,
            Program,
            Automations,
            Campaigns,
            state.BudgetLeft,
            Now
        );
        return TierQualification.Following(state.Account, fired, Program, Now, FireAutomations.Job);
    }
}

/// <summary>
/// The members an automation's trigger may have an occasion for, found by columns, a little widely (a day either
/// side for the zones): the decision on each member's account is exact.
/// </summary>
internal static class AutomationCandidates
{
    public static async Task<IReadOnlyList<Guid>> ForAsync(
        IQuerySession session,
        AutomationTrigger trigger,
        Instant now,
        CancellationToken ct
    )
    {
        var days = trigger.Days ?? 0;
        long Ms(int fromNow) => (now + Duration.FromDays(fromNow)).ToUnixTimeMilliseconds();
        var (quietFrom, quietTo, ahead) = (Ms(-days - Occurrences.LateBy - 2), Ms(1 - days), Ms(days + 2));
        var open = session.Query<MemberBalance>().Where(b => !b.Closed);
        var found = trigger.Kind switch
        {
            AutomationTrigger.Birthday => null,
            AutomationTrigger.NoPurchase => open.Where(b =>
                (
                    b.LastPurchaseUnixMilliseconds != null
                    && b.LastPurchaseUnixMilliseconds >= quietFrom
                    && b.LastPurchaseUnixMilliseconds <= quietTo
                )
                || (
                    b.LastPurchaseUnixMilliseconds == null
                    && b.EnrolledAtUnixMilliseconds >= quietFrom
                    && b.EnrolledAtUnixMilliseconds <= quietTo
                )
            ),
            AutomationTrigger.PointsExpiring => open.Where(b => b.NextExpiry != null && b.NextExpiry <= ahead),
            AutomationTrigger.TierReview or AutomationTrigger.MembershipEnding => open.Where(b =>
                b.NextStandingCheck != null && b.NextStandingCheck <= ahead
            ),
            AutomationTrigger.PaymentFailed => open.Where(b => b.NextStandingCheck != null),
            AutomationTrigger.EnteredSegment => open.Where(b => b.Segment == trigger.Segment),
            AutomationTrigger.EnteredStage => open.Where(b => b.Stage == trigger.Stage),
            AutomationTrigger.TierUpgraded => open.Where(b => b.EarnedTier != null),
            _ => open,
        };
        if (found is not null)
            return await found.Select(b => b.Id).ToListAsync(ct);
        var monthDays = BirthdayJob.MonthDaysNear(now.InUtc().Date, days);
        return await session
            .Query<MemberView>()
            .Where(m =>
                m.ClosedAt == null && m.BirthdayMonthDay != null && monthDays.Contains(m.BirthdayMonthDay!.Value)
            )
            .Select(m => m.Id)
            .ToListAsync(ct);
    }

    /// <summary>The members' profiles, when a birthday automation needs them; none otherwise.</summary>
    public static async Task<IReadOnlyDictionary<Guid, MemberProfile>> ProfilesAsync(
        IDocumentStore store,
        IReadOnlyList<Guid> members,
        IEnumerable<Automation> automations,
        CancellationToken ct
    )
    {
        if (!automations.Any(a => a.Current.Rules.Trigger.Kind == AutomationTrigger.Birthday))
            return new Dictionary<Guid, MemberProfile>();
        await using var session = store.QuerySession();
        var profiles = new Dictionary<Guid, MemberProfile>();
        foreach (var chunk in members.Chunk(1000))
        foreach (var view in await session.LoadManyAsync<MemberView>(ct, chunk))
            profiles[view.Id] = view.ToMember().Profile;
        return profiles;
    }
}

/// <summary>
/// Runs the automation job every <c>Loyalty:Automations:CheckSeconds</c> (default 300);
/// <c>Loyalty:Automations:Enabled</c> false turns it off.
/// </summary>
public sealed class AutomationScheduler(
    AutomationJob job,
    IConfiguration configuration,
    ILogger<AutomationScheduler> log
) : JobScheduler(configuration, log, "Automations", 300)
{
    protected override Task RunOnceAsync(CancellationToken ct) => job.RunAsync(ct);
}
