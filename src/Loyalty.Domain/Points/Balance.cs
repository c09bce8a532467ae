using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;

namespace Loyalty.Domain.Points;

/// <summary>
/// What one event does to a member's points: the signed change of the points in open lots (outstanding), of the
/// held points among them, of the deficit, and of the lifetime totals. Computed from the event alone, which records
/// every amount it settled.
/// </summary>
public sealed record Movement(
    long Outstanding,
    long Held,
    long Deficit,
    long Earned,
    long Redeemed,
    long Adjusted,
    long Expired
)
{
    public static Movement? Of(IMemberEvent @event) =>
        @event switch
        {
            PointsEarned e => new(e.Points - e.DeficitSettled, 0, -e.DeficitSettled, e.Points, 0, 0, 0),
            PointsReversed e => new(-e.TakenFromBalance, 0, e.AddedToDeficit, -e.Points, 0, 0, 0),
            PointsRedeemed e => new(-e.Points, 0, 0, 0, e.Points, 0, 0),
            RedemptionCancelled e => new(
                e.Points - e.DeficitSettled - ExpiredAtOnce(e),
                0,
                -e.DeficitSettled,
                0,
                -e.Points,
                0,
                ExpiredAtOnce(e)
            ),
            // A negative adjustment takes from the lots and settles nothing.
            PointsAdjusted e => new(e.Points - e.DeficitSettled, 0, -e.DeficitSettled, 0, 0, e.Points, 0),
            MembershipBonusEarned e => new(e.Points - e.DeficitSettled, 0, -e.DeficitSettled, e.Points, 0, 0, 0),
            Campaigns.CampaignPointsEarned e => new(
                e.Points - e.DeficitSettled,
                0,
                -e.DeficitSettled,
                e.Points,
                0,
                0,
                0
            ),
            Campaigns.CampaignPointsReversed e => new(-e.TakenFromBalance, 0, e.AddedToDeficit, -e.Points, 0, 0, 0),
            Referrals.ReferralPointsEarned e => new(
                e.Points - e.DeficitSettled,
                0,
                -e.DeficitSettled,
                e.Points,
                0,
                0,
                0
            ),
            Referrals.ReferralPointsClawedBack e => new(-e.TakenFromBalance, 0, e.AddedToDeficit, -e.Points, 0, 0, 0),
            PointsExpired e => new(-e.Points, 0, 0, 0, 0, 0, e.Points),
            PointsHeld e => new(0, e.Points, 0, 0, 0, 0, 0),
            HoldCaptured e => new(-e.Points, -e.Points - e.Released.Sum(t => t.Points), 0, 0, e.Points, 0, 0),
            HoldReleased e => new(0, -e.Points, 0, 0, 0, 0, 0),
            _ => null,
        };

    /// <summary>The points of a cancelled redemption whose lots had expired, so that they expired on return.</summary>
    public static int ExpiredAtOnce(RedemptionCancelled e) => e.ExpiredAtOnce?.Sum(t => t.Points) ?? 0;
}

/// <summary>
/// The arithmetic of a member's points, in one place: the account, the balance read model and the ledger all go
/// through <see cref="Movement.Of"/>. <see cref="Outstanding"/> is every point in an open lot (pending, available
/// or held: the program's liability), <see cref="Held"/> the part reserved by holds. It reconciles by construction:
/// Outstanding − Deficit = LifetimeEarned − LifetimeRedeemed + LifetimeAdjusted − LifetimeExpired.
/// </summary>
public sealed record Balance(
    long Outstanding,
    long Held,
    long Deficit,
    long LifetimeEarned,
    long LifetimeRedeemed,
    long LifetimeAdjusted,
    long LifetimeExpired
)
{
    public static readonly Balance Zero = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>A credit pays off the deficit first; returns how much of it does.</summary>
    public int SettlesDeficit(long credit) => (int)Math.Min(Deficit, Math.Max(credit, 0));

    public Balance After(IMemberEvent @event) =>
        Movement.Of(@event) is { } m
            ? new(
                Outstanding + m.Outstanding,
                Held + m.Held,
                Deficit + m.Deficit,
                LifetimeEarned + m.Earned,
                LifetimeRedeemed + m.Redeemed,
                LifetimeAdjusted + m.Adjusted,
                LifetimeExpired + m.Expired
            )
            : this;
}
