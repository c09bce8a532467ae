using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;

namespace Loyalty.Domain.Finance;

/// <summary>
/// What events did to the program's outstanding points (the points in members' open lots: the liability), by what
/// finance calls each movement. Inflows are positive, outflows negative. A credit that paid off a member's deficit
/// adds its whole points to what was earned and takes the part that settled the deficit back out
/// (<see cref="DeficitsSettled"/>): those points were owed, not outstanding. <see cref="Net"/> is always the
/// outstanding change of <see cref="Movement.Of"/>.
/// </summary>
public sealed record PointsFlow(
    long Purchases = 0,
    long Campaigns = 0,
    long Referrals = 0,
    long MembershipBonuses = 0,
    long PositiveAdjustments = 0,
    long RedemptionsCancelled = 0,
    long DeficitsSettled = 0,
    long Redeemed = 0,
    long HoldsCaptured = 0,
    long Reversed = 0,
    long Expired = 0,
    long NegativeAdjustments = 0
)
{
    public static readonly PointsFlow None = new();

    /// <summary>Everything earned, gross of deficits settled.</summary>
    public long Earned => Purchases + Campaigns + Referrals + MembershipBonuses + PositiveAdjustments;

    public long Net =>
        Earned
        + RedemptionsCancelled
        + DeficitsSettled
        + Redeemed
        + HoldsCaptured
        + Reversed
        + Expired
        + NegativeAdjustments;

    public static PointsFlow Of(IMemberEvent @event) =>
        @event switch
        {
            PointsEarned e => new(Purchases: e.Points, DeficitsSettled: -e.DeficitSettled),
            CampaignPointsEarned e => new(Campaigns: e.Points, DeficitsSettled: -e.DeficitSettled),
            ReferralPointsEarned e => new(Referrals: e.Points, DeficitsSettled: -e.DeficitSettled),
            MembershipBonusEarned e => new(MembershipBonuses: e.Points, DeficitsSettled: -e.DeficitSettled),
            PointsAdjusted { Points: > 0 } e => new(PositiveAdjustments: e.Points, DeficitsSettled: -e.DeficitSettled),
            PointsAdjusted e => new(NegativeAdjustments: e.Points),
            RedemptionCancelled e => new(
                RedemptionsCancelled: e.Points,
                DeficitsSettled: -e.DeficitSettled,
                Expired: -Movement.ExpiredAtOnce(e)
            ),
            PointsRedeemed e => new(Redeemed: -e.Points),
            HoldCaptured e => new(HoldsCaptured: -e.Points),
            PointsReversed e => new(Reversed: -e.TakenFromBalance),
            CampaignPointsReversed e => new(Reversed: -e.TakenFromBalance),
            ReferralPointsClawedBack e => new(Reversed: -e.TakenFromBalance),
            PointsExpired e => new(Expired: -e.Points),
            _ => None,
        };

    public PointsFlow Plus(PointsFlow other) =>
        new(
            Purchases + other.Purchases,
            Campaigns + other.Campaigns,
            Referrals + other.Referrals,
            MembershipBonuses + other.MembershipBonuses,
            PositiveAdjustments + other.PositiveAdjustments,
            RedemptionsCancelled + other.RedemptionsCancelled,
            DeficitsSettled + other.DeficitsSettled,
            Redeemed + other.Redeemed,
            HoldsCaptured + other.HoldsCaptured,
            Reversed + other.Reversed,
            Expired + other.Expired,
            NegativeAdjustments + other.NegativeAdjustments
        );
}
