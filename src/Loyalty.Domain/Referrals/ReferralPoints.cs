using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>A referral's reward on one member's account, as the member's fold keeps it.</summary>
public sealed record ReferralCredit(string Role, int Points, bool Qualifying, Instant At);

/// <summary>What a referral's events do to the points of the members on each side of it.</summary>
public static class ReferralPoints
{
    public const string LotKind = "referral";

    public static LotSource LotOf(Guid referralId, string role) => new(LotKind, $"{referralId:N}/{role}");

    /// <summary>
    /// The member's points for <paramref name="event"/>: the reward of a <see cref="ReferralRewarded"/>, taken back
    /// by a <see cref="ReferralClawedBack"/>; a qualifying reward may take the member to a higher tier. Nothing for
    /// other events, nothing twice.
    /// </summary>
    public static IReadOnlyList<IMemberEvent> Following(
        IReferralEvent @event,
        Referral referral,
        PointsAccount account,
        ProgramSettings program,
        Actor by
    )
    {
        var role = account.MemberId == referral.ReferrerId ? ReferralRole.Referrer : ReferralRole.Referred;
        IReadOnlyList<IMemberEvent> events = @event switch
        {
            ReferralRewarded e => Credit(account, referral, role, e.PointsFor(role), program, e.At, by),
            ReferralClawedBack e => ClawBack(account, referral.Id, e.Reason, e.At, by),
            _ => [],
        };
        return TierQualification.Following(account, events, program, @event.At, by);
    }

    private static IReadOnlyList<IMemberEvent> Credit(
        PointsAccount account,
        Referral referral,
        string role,
        int points,
        ProgramSettings program,
        Instant at,
        Actor by
    )
    {
        if (points <= 0 || account.Referral(referral.Id) is not null)
            return [];
        var reward = role == ReferralRole.Referrer ? referral.Terms.Referrer : referral.Terms.Referred;
        return
        [
            new ReferralPointsEarned(
                account.MemberId,
                referral.Id,
                role,
                points,
                account.Balance.SettlesDeficit(points),
                reward.Qualifying,
                program.ExpiresAt(at),
                referral.Terms.RulesVersion,
                at,
                by
            ),
        ];
    }

    private static IReadOnlyList<IMemberEvent> ClawBack(
        PointsAccount account,
        Guid referralId,
        string reason,
        Instant at,
        Actor by
    )
    {
        if (account.Referral(referralId) is not { } credit)
            return [];
        var own = Lot.IdFor(LotOf(referralId, credit.Role));
        var taken = account.Lots.TakeForReversal(own, credit.Points, at);
        var fromBalance = taken.Sum(t => t.Points);
        var qualifying = credit.Qualifying ? new QualifyingActivity(credit.At, -credit.Points, 0, 0) : null;
        return
        [
            new ReferralPointsClawedBack(
                account.MemberId,
                referralId,
                credit.Role,
                credit.Points,
                fromBalance,
                credit.Points - fromBalance,
                taken,
                qualifying,
                reason,
                at,
                by
            ),
        ];
    }
}
