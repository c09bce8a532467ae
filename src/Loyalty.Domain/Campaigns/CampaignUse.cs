using System.Collections.Immutable;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>One award as a member's limits count it: what it named, when, and the points it still holds.</summary>
public sealed record AwardUse(string Reference, Instant At, int Points);

/// <summary>
/// What one member has had from one campaign: awards and points over its lifetime (net of returns), the awards of
/// the last weeks (enough for day, week and month limits) and the last birthday year it gave for.
/// </summary>
public sealed record CampaignUse(int Times, long Points, IReadOnlyList<AwardUse> Recent, int? LastBirthday = null)
{
    /// <summary>Awards older than this cannot fall in any day, week or month a limit counts.</summary>
    public static readonly Duration KeptFor = Duration.FromDays(40);

    public static readonly CampaignUse None = new(0, 0, []);

    /// <summary>Awards and points in the local <paramref name="period"/> that holds <paramref name="at"/>.</summary>
    public (int Times, long Points) In(string period, Instant at, DateTimeZone zone)
    {
        if (period == CampaignLimit.Lifetime)
            return (Times, Points);
        var key = PeriodOf(period, at, zone);
        var awards = Recent.Where(a => PeriodOf(period, a.At, zone) == key).ToList();
        return (awards.Count, awards.Sum(a => (long)a.Points));
    }

    /// <summary>The first local day of the period holding <paramref name="at"/>.</summary>
    public static LocalDate PeriodOf(string period, Instant at, DateTimeZone zone)
    {
        var date = at.InZone(zone).Date;
        return period switch
        {
            CampaignLimit.Day => date,
            CampaignLimit.Week => date.PlusDays(1 - (int)date.DayOfWeek),
            _ => new LocalDate(date.Year, date.Month, 1),
        };
    }

    public CampaignUse After(CampaignAward award, string reference, Instant at) =>
        new(
            Times + 1,
            Points + award.Points,
            [.. Recent.Where(a => a.At >= at - KeptFor), new AwardUse(reference, at, award.Points)],
            award.Trigger == CampaignTrigger.Birthday && int.TryParse(reference.Split('/')[^1], out var year)
                ? year
                : LastBirthday
        );

    public CampaignUse After(CampaignReversal reversal, string reference) =>
        this with
        {
            Times = reversal.Withdrawn ? Times - 1 : Times,
            Points = Points - reversal.Points,
            Recent = reversal.Withdrawn
                ? [.. Recent.Where(a => a.Reference != reference)]
                :
                [
                    .. Recent.Select(a =>
                        a.Reference == reference ? a with { Points = a.Points - reversal.Points } : a
                    ),
                ],
        };

    /// <summary>The member's uses of every campaign after <paramref name="event"/>.</summary>
    public static ImmutableDictionary<string, CampaignUse> Evolve(
        ImmutableDictionary<string, CampaignUse> uses,
        Members.IMemberEvent @event
    ) =>
        @event switch
        {
            CampaignPointsEarned e => e.Awards.Aggregate(
                uses,
                (u, a) => u.SetItem(a.Campaign, u.GetValueOrDefault(a.Campaign, None).After(a, e.Reference, e.At))
            ),
            CampaignPointsReversed e => e.Reversals.Aggregate(
                uses,
                (u, r) => u.SetItem(r.Campaign, u.GetValueOrDefault(r.Campaign, None).After(r, e.Reference))
            ),
            _ => uses,
        };
}
