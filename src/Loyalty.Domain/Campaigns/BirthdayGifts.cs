using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>
/// Birthday campaigns, decided by the birthday job in the member's own zone: a campaign gives once a year, from
/// <c>daysBefore</c> the birthday (local date) until <see cref="LateBy"/> days after it, so a job that was down on the
/// day still gives. A birthday on 29 February is kept on 28 February in other years.
/// </summary>
public static class BirthdayGifts
{
    public const int LateBy = 7;

    public static readonly Actor Job = Actor.System("birthday-gifts");

    public static IReadOnlyList<IMemberEvent> Decide(
        PointsAccount account,
        MemberProfile profile,
        ProgramSettings program,
        IReadOnlyList<Campaign> campaigns,
        IReadOnlyDictionary<string, long> budgetLeft,
        Instant now
    )
    {
        if (!account.Enrolled || account.Closed || profile.Birthday is not { } birthday)
            return [];
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(profile.TimeZone) ?? program.Zone();
        var today = now.InZone(zone).Date;
        var decided = new List<IMemberEvent>();
        foreach (var year in new[] { today.Year - 1, today.Year, today.Year + 1 })
        {
            var due = campaigns
                .Where(c =>
                    c.InForceAt(now)?.Rules is { Trigger.Kind: CampaignTrigger.Birthday } rules
                    && IsDue(On(birthday, year), rules.Trigger.DaysBefore, today)
                    && (account.CampaignUse(c.Code).LastBirthday is not { } last || last < year)
                )
                .ToList();
            if (due.Count == 0)
                continue;
            var occasion = new CampaignOccasion([CampaignTrigger.Birthday], $"birthday/{year}", now, now, Job);
            var gifts = CampaignAwards.Decide(occasion, account, program, due, budgetLeft).Events;
            decided.AddRange(gifts);
            account = gifts.Aggregate(account, PointsAccount.Evolve);
        }
        return decided;
    }

    /// <summary>
    /// The member's birthday in <paramref name="year"/>: 29 February falls on 28 February outside leap years.
    /// </summary>
    public static LocalDate On(LocalDate birthday, int year) =>
        birthday is { Month: 2, Day: 29 } && !CalendarSystem.Iso.IsLeapYear(year)
            ? new LocalDate(year, 2, 28)
            : new LocalDate(year, birthday.Month, birthday.Day);

    private static bool IsDue(LocalDate birthday, int daysBefore, LocalDate today) =>
        birthday.PlusDays(-daysBefore) <= today && today <= birthday.PlusDays(LateBy);
}
