using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;
using NodaTime.Text;

namespace Loyalty.Domain.Automations;

/// <summary>
/// One occasion for an automation: what it is (<see cref="Key"/>, what makes it once per member) and the local day it
/// came (<see cref="On"/>); <see cref="Amount"/>: points expiring, or missing to keep the tier.
/// </summary>
public sealed record AutomationOccurrence(string Key, LocalDate On, decimal? Amount = null);

/// <summary>
/// The occasions a trigger finds in a member's account. An occasion is due from the local day it comes (in the
/// member's zone for birthdays, the program's otherwise) for <see cref="LateBy"/> days, so a job that was down still
/// fires, but never for a day before the automation became active: a new automation does not reach back into the
/// past. Days before a moment (a birthday, an expiry, a review, a membership's end) count back from its local day.
/// </summary>
public static class Occurrences
{
    public const int LateBy = 7;

    private static readonly LocalDatePattern Day = LocalDatePattern.Iso;

    /// <summary>The occasions due at <paramref name="now"/>, soonest first, for an automation active since
    /// <paramref name="since"/> (null: those that came today, for a dry run).</summary>
    public static IEnumerable<AutomationOccurrence> Due(
        AutomationTrigger trigger,
        PointsAccount account,
        MemberProfile? profile,
        ProgramSettings program,
        Instant? since,
        Instant now
    )
    {
        var zone = trigger.Kind == AutomationTrigger.Birthday ? MemberZone(profile, program) : program.Zone();
        var today = now.InZone(zone).Date;
        var earliest = since is { } active ? LocalDate.Max(active.InZone(zone).Date, today.PlusDays(-LateBy)) : today;
        return Of(trigger, account, profile, program, zone, now)
            .Where(o => earliest <= o.On && o.On <= today)
            .OrderBy(o => o.On);
    }

    private static IEnumerable<AutomationOccurrence> Of(
        AutomationTrigger trigger,
        PointsAccount account,
        MemberProfile? profile,
        ProgramSettings program,
        DateTimeZone zone,
        Instant now
    )
    {
        var days = trigger.Days ?? 0;
        var today = now.InZone(zone).Date;
        LocalDate Local(Instant at) => at.InZone(zone).Date;
        switch (trigger.Kind)
        {
            case AutomationTrigger.Birthday when profile?.Birthday is { } birthday:
                foreach (var year in new[] { today.Year, today.Year + 1 })
                    if (BirthdayGifts.On(birthday, year) is var day && today <= day)
                        yield return new($"birthday/{year}", day.PlusDays(-days));
                break;
            case AutomationTrigger.NoPurchase:
                var last = Local(account.LastPurchaseAt ?? account.EnrolledAt);
                yield return new($"no-purchase-since/{Day.Format(last)}", last.PlusDays(days));
                break;
            case AutomationTrigger.PointsExpiring:
                var expiring = account
                    .Lots.Items.Where(l => l.Open - l.Held > 0 && l.ExpiresAt > now)
                    .GroupBy(l => ExpiryPolicy.LastDayBefore(l.ExpiresAt!.Value, zone));
                foreach (var lots in expiring)
                    yield return new(
                        $"points-expiring/{Day.Format(lots.Key)}",
                        lots.Key.PlusDays(-days),
                        lots.Sum(l => l.Open - l.Held)
                    );
                break;
            case AutomationTrigger.TierReview
                when MissingAtReview(account, program, zone, now) is (var review, var missing):
                var reviewDay = Local(review);
                yield return new($"tier-review/{Day.Format(reviewDay)}", reviewDay.PlusDays(-days), missing);
                break;
            case AutomationTrigger.MembershipEnding when account.Membership is { } m && m.ActiveAt(now):
                var end = Local(m.ActiveUntil());
                yield return new($"membership-ending/{Day.Format(end)}", end.PlusDays(-days));
                break;
            case AutomationTrigger.PaymentFailed
                when account.Membership?.History.LastOrDefault(h => h.Kind == "payment-failed") is { } failed:
                yield return new($"payment-failed/{failed.PaymentReference}", Local(failed.At));
                break;
            case AutomationTrigger.EnteredSegment
                when account.Segment == trigger.Segment && account.SegmentSince is { } on:
                yield return new($"segment/{trigger.Segment}/{Day.Format(on)}", on);
                break;
            case AutomationTrigger.EnteredStage when account.Stage == trigger.Stage && account.StageSince is { } on:
                yield return new($"stage/{trigger.Stage}/{Day.Format(on)}", on);
                break;
            case AutomationTrigger.TierUpgraded or AutomationTrigger.TierDowngraded:
                var kind = trigger.Kind == AutomationTrigger.TierUpgraded ? "upgraded" : "downgraded";
                if (account.Tier.History.LastOrDefault(h => h.Kind == kind) is { } change)
                    yield return new(
                        $"{trigger.Kind}/{change.To ?? "none"}/{Day.Format(Local(change.At))}",
                        Local(change.At)
                    );
                break;
        }
    }

    /// <summary>
    /// The member's next tier review, and what they would miss of their earned tier's threshold then if nothing more
    /// came (the qualifying activity known now, counted in the window that ends at the review); null when nothing is
    /// missing.
    /// </summary>
    private static (Instant Review, decimal Missing)? MissingAtReview(
        PointsAccount account,
        ProgramSettings program,
        DateTimeZone zone,
        Instant now
    )
    {
        var standing = account.Tier;
        if (standing is not { Earned: { } earned, ReviewAt: { } review, GraceUntil: null } || review <= now)
            return null;
        if (program.TiersAt(now)?.Rules is not { } rules || rules.Find(earned) is not { } tier)
            return null;
        var missing = tier.Threshold - standing.Metric(rules, zone, review);
        return missing > 0 ? (review, missing) : null;
    }

    private static DateTimeZone MemberZone(MemberProfile? profile, ProgramSettings program) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(profile?.TimeZone ?? "") ?? program.Zone();
}
