using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>What a campaign would have given over a past period.</summary>
public sealed record SimulationResult(
    int Occasions,
    int Members,
    int Awards,
    long Points,
    IReadOnlyDictionary<string, int> Withheld
);

/// <summary>
/// Replays a campaign over the history of a period, writing nothing: every purchase, engagement or enrolment of the
/// period (as its trigger asks) in the order they happened, each member's account as it stood then (tier,
/// membership, days enrolled, first purchase), and the campaign's limits and budget as they would have run out. The
/// campaign is taken alone, active over the whole period, with a budget untouched; other campaigns' real awards
/// stay as they were.
/// </summary>
public static class CampaignSimulation
{
    private const string Simulated = "~simulated";

    /// <param name="streams">the streams of the members with something in the period, each in order</param>
    public static SimulationResult Run(
        CampaignRules rules,
        Instant from,
        Instant until,
        ProgramSettings program,
        IReadOnlyDictionary<Guid, IReadOnlyList<IMemberEvent>> streams
    )
    {
        var campaign = new Campaign(
            Simulated,
            [
                new CampaignVersion(
                    1,
                    Instant.MinValue,
                    rules with
                    {
                        Status = CampaignRules.Active,
                        From = from,
                        Until = until,
                    },
                    "simulated"
                ),
            ]
        );
        var occasions = streams
            .SelectMany(s => s.Value.Select((e, i) => (Member: s.Key, Index: i, At: OccurredAt(e))))
            .Where(o => o.At is { } at && at >= from && at < until && Triggers(rules, streams[o.Member][o.Index]))
            .OrderBy(o => o.At)
            .ThenBy(o => o.Member)
            .ThenBy(o => o.Index)
            .ToList();

        var accounts = streams.Keys.ToDictionary(m => m, m => (Account: PointsAccount.Initial(m), Next: 0));
        var budgetLeft = new Dictionary<string, long>();
        if (rules.Budget is { } budget)
            budgetLeft[Simulated] = budget;
        var (reached, awards, points) = (new HashSet<Guid>(), 0, 0L);
        var withheld = new Dictionary<string, int>();
        foreach (var (member, index, _) in occasions)
        {
            var (account, next) = accounts[member];
            var stream = streams[member];
            for (; next < index; next++)
                account = PointsAccount.Evolve(account, stream[next]);
            var outcome = Decide(stream[index], account, program, campaign, budgetLeft);
            account = outcome.Events.Aggregate(account, PointsAccount.Evolve);
            foreach (var award in outcome.Awards)
            {
                (awards, points) = (awards + 1, points + award.Points);
                reached.Add(member);
                if (budgetLeft.ContainsKey(Simulated))
                    budgetLeft[Simulated] -= award.Points;
            }
            foreach (var w in outcome.Withheld)
                withheld[w.Reason] = withheld.GetValueOrDefault(w.Reason) + 1;
            accounts[member] = (account, next);
        }
        return new(occasions.Count, reached.Count, awards, points, withheld);
    }

    private static Instant? OccurredAt(IMemberEvent e) =>
        e switch
        {
            PointsEarned p => p.At,
            EngagementRecorded g => g.At,
            MemberEnrolled m => m.At,
            _ => null,
        };

    private static bool Triggers(CampaignRules rules, IMemberEvent s) =>
        (s, rules.Trigger.Kind) switch
        {
            (PointsEarned, CampaignTrigger.Purchase or CampaignTrigger.FirstPurchase) => true,
            (EngagementRecorded, CampaignTrigger.Engagement) => true,
            (MemberEnrolled, CampaignTrigger.Enrollment) => true,
            _ => false,
        };

    /// <summary>The occasion as the live write decides it (a purchase on the account its earning leaves).</summary>
    private static CampaignOutcome Decide(
        IMemberEvent happened,
        PointsAccount before,
        ProgramSettings program,
        Campaign campaign,
        IReadOnlyDictionary<string, long> budgetLeft
    ) =>
        happened switch
        {
            PointsEarned e => CampaignAwards.Decide(
                RecordPurchase.Occasion(before, e),
                PointsAccount.Evolve(before, e),
                program,
                [campaign],
                budgetLeft
            ),
            EngagementRecorded e => CampaignAwards.Decide(
                RecordEngagement.OccasionOf(e),
                before,
                program,
                [campaign],
                budgetLeft
            ),
            MemberEnrolled e => CampaignAwards.Decide(
                WelcomeBonus.OccasionOf(e),
                PointsAccount.Evolve(before, e),
                program,
                [campaign],
                budgetLeft
            ),
            _ => CampaignOutcome.Nothing,
        };
}
