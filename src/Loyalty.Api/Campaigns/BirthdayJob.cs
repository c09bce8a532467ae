using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Points;
using Loyalty.Api.Rules;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using Loyalty.Projections.Members;
using Marten;
using NodaTime;

namespace Loyalty.Api.Campaigns;

/// <summary>What one run of the birthday job did.</summary>
public sealed record BirthdayRun(int Members, int Events);

/// <summary>
/// Gives birthday campaigns' points (see <see cref="BirthdayGifts"/>): finds the members whose birthday is near
/// (by the indexed month and day, widely enough for every zone), then decides for each in their own zone. Idempotent
/// and safe on two nodes: a member's gift for a year is on their stream, which the next run reads, and two writers
/// are kept apart by the stream version.
/// </summary>
public sealed class BirthdayJob(
    IDocumentStore store,
    EventStreams streams,
    ProgramSettingsCache programSettings,
    CampaignsCache campaigns,
    ILogger<BirthdayJob> log
)
{
    public async Task<BirthdayRun> RunAsync(CancellationToken ct)
    {
        var now = streams.Now;
        var birthday = await campaigns.ForAsync(ct, CampaignTrigger.Birthday);
        if (birthday.Count == 0)
            return new BirthdayRun(0, 0);
        var program = await programSettings.CurrentAsync(ct);
        var daysBefore = birthday.SelectMany(c => c.Versions).Max(v => v.Rules.Trigger.DaysBefore);
        var days = MonthDaysNear(now.InUtc().Date, daysBefore);
        IReadOnlyList<MemberView> near;
        await using (var session = store.QuerySession())
            near = await session
                .Query<MemberView>()
                .Where(m =>
                    m.ClosedAt == null && m.BirthdayMonthDay != null && days.Contains(m.BirthdayMonthDay!.Value)
                )
                .ToListAsync(ct);
        var profiles = near.ToDictionary(m => m.Id, m => m.ToMember().Profile);
        var (members, events) = await MemberJobs.RunAsync(
            "Birthday gifts",
            near.Select(m => m.Id).ToList(),
            streams,
            member => new GivingBirthdayGifts(member, profiles[member], program, birthday, now),
            log,
            ct
        );
        if (members > 0)
            log.LogInformation(
                "Birthday gifts at {At}: {Events} awards for {Members} members",
                now,
                events.Count,
                members
            );
        return new BirthdayRun(members, events.Count);
    }

    /// <summary>
    /// Month × 100 + day of every day from <see cref="BirthdayGifts.LateBy"/> days before <paramref name="today"/> to
    /// <paramref name="daysBefore"/> after, a day wider each side for the zones ahead of and behind UTC; 29 February
    /// when 28 February is among them.
    /// </summary>
    internal static int[] MonthDaysNear(LocalDate today, int daysBefore)
    {
        var days = Enumerable
            .Range(-BirthdayGifts.LateBy - 1, BirthdayGifts.LateBy + daysBefore + 3)
            .Select(offset => today.PlusDays(offset))
            .Select(d => d.Month * 100 + d.Day)
            .ToHashSet();
        if (days.Contains(228))
            days.Add(229);
        return [.. days];
    }
}

/// <summary>Giving a member the birthday campaigns' points that are due in their zone.</summary>
public sealed record GivingBirthdayGifts(
    Guid MemberId,
    MemberProfile Profile,
    ProgramSettings Program,
    IReadOnlyList<Campaign> BirthdayCampaigns,
    Instant Now
) : JobWrite(MemberId)
{
    protected override IEnumerable<string> CampaignCodes => BirthdayCampaigns.Select(c => c.Code);

    public override IReadOnlyList<IMemberEvent> Decide(MemberState<NoRecord> state)
    {
        var gifts = BirthdayGifts.Decide(state.Account, Profile, Program, BirthdayCampaigns, state.BudgetLeft, Now);
        return TierQualification.Following(state.Account, gifts, Program, Now, BirthdayGifts.Job);
    }
}

/// <summary>
/// Runs the birthday job every <c>Loyalty:Birthdays:CheckSeconds</c> (default 300); <c>Loyalty:Birthdays:Enabled</c>
/// false turns it off.
/// </summary>
public sealed class BirthdayScheduler(BirthdayJob job, IConfiguration configuration, ILogger<BirthdayScheduler> log)
    : JobScheduler(configuration, log, "Birthdays", 300)
{
    protected override Task RunOnceAsync(CancellationToken ct) => job.RunAsync(ct);
}
