using Loyalty.Domain.Referrals;
using NodaTime;

namespace Loyalty.Projections.Referrals;

/// <summary>
/// One local month of referrals: each step counted in the month it happened (a referral made in March and rewarded
/// in April counts in both). Points granted are both sides' rewards; points clawed back are what was granted for the
/// referrals clawed back that month.
/// </summary>
public sealed record ReferralMonth(
    string Month,
    int Made,
    int Held,
    int Qualified,
    int Rewarded,
    int Failed,
    int Rejected,
    int ClawedBack,
    long PointsGranted,
    long PointsClawedBack
);

/// <summary>
/// A referrer in a period: referrals made and rewarded then, and the points those rewards gave them, less what was
/// clawed back since.
/// </summary>
public sealed record TopReferrer(Guid MemberId, int Made, int Rewarded, long PointsEarned);

public static class ReferralReport
{
    /// <summary>Every month from <paramref name="from"/> to <paramref name="to"/> in <paramref name="zone"/>.</summary>
    public static IReadOnlyList<ReferralMonth> Monthly(
        IReadOnlyList<ReferralView> referrals,
        YearMonth from,
        YearMonth to,
        DateTimeZone zone
    )
    {
        var months = new List<ReferralMonth>();
        for (var month = from; month <= to; month = month.PlusMonths(1))
        {
            bool In(Instant? at) => at is { } when && when.InZone(zone).Date.ToYearMonth() == month;
            var rewarded = referrals.Where(v => In(v.Timeline.RewardedAt)).ToList();
            var clawed = referrals.Where(v => In(v.Timeline.ClawedBackAt)).ToList();
            months.Add(
                new ReferralMonth(
                    month.ToString("yyyy-MM", null),
                    referrals.Count(v => In(v.Referral.MadeAt)),
                    referrals.Count(v => In(v.Timeline.HeldAt)),
                    referrals.Count(v => In(v.Timeline.QualifiedAt)),
                    rewarded.Count,
                    referrals.Count(v => In(v.Timeline.FailedAt)),
                    referrals.Count(v => In(v.Timeline.RejectedAt)),
                    clawed.Count,
                    rewarded.Sum(Granted),
                    clawed.Sum(Granted)
                )
            );
        }
        return months;
    }

    /// <summary>The <paramref name="count"/> referrers rewarded most in the period, then those who made most.</summary>
    public static IReadOnlyList<TopReferrer> Top(
        IReadOnlyList<ReferralView> referrals,
        Instant start,
        Instant end,
        int count
    )
    {
        bool In(Instant? at) => at is { } when && when >= start && when < end;
        return referrals
            .GroupBy(v => v.ReferrerId)
            .Select(g =>
            {
                var rewarded = g.Where(v => In(v.Timeline.RewardedAt)).ToList();
                var kept = rewarded.Where(v => v.Status != Referral.ClawedBack);
                var earned = kept.Sum(v => (long)v.Referral.ReferrerPoints);
                return new TopReferrer(g.Key, g.Count(v => In(v.Referral.MadeAt)), rewarded.Count, earned);
            })
            .Where(t => t.Made + t.Rewarded > 0)
            .OrderByDescending(t => t.Rewarded)
            .ThenByDescending(t => t.Made)
            .ThenBy(t => t.MemberId)
            .Take(count)
            .ToList();
    }

    private static long Granted(ReferralView v) => (long)v.Referral.ReferrerPoints + v.Referral.ReferredPoints;
}
