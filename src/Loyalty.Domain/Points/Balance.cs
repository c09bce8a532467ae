using Loyalty.Domain.Members;

namespace Loyalty.Domain.Points;

/// <summary>
/// The arithmetic of a member's points, in one place: the account, the balance read model and the ledger
/// all fold events through <see cref="After"/>. It reconciles by construction:
/// Available − Deficit = LifetimeEarned − LifetimeRedeemed + LifetimeAdjusted.
/// </summary>
public sealed record Balance(long Available, long Deficit, long LifetimeEarned, long LifetimeRedeemed, long LifetimeAdjusted)
{
    public static readonly Balance Zero = new(0, 0, 0, 0, 0);

    /// <summary>A credit pays off the deficit first; returns how much of it does.</summary>
    public int SettlesDeficit(int credit) => (int)Math.Min(Deficit, Math.Max(credit, 0));

    public Balance After(IMemberEvent @event) => @event switch
    {
        PointsEarned e => Credit(e.Points, e.DeficitSettled) with { LifetimeEarned = LifetimeEarned + e.Points },
        PointsReversed e => this with
        {
            Available = Available - e.TakenFromBalance,
            Deficit = Deficit + e.AddedToDeficit,
            LifetimeEarned = LifetimeEarned - e.Points
        },
        PointsRedeemed e => this with { Available = Available - e.Points, LifetimeRedeemed = LifetimeRedeemed + e.Points },
        RedemptionCancelled e => Credit(e.Points, e.DeficitSettled) with { LifetimeRedeemed = LifetimeRedeemed - e.Points },
        PointsAdjusted e => Credit(e.Points, e.DeficitSettled) with { LifetimeAdjusted = LifetimeAdjusted + e.Points },
        _ => this
    };

    // A negative adjustment passes through here too, as a credit below zero that settles nothing.
    private Balance Credit(int points, int deficitSettled) =>
        this with { Available = Available + points - deficitSettled, Deficit = Deficit - deficitSettled };
}
