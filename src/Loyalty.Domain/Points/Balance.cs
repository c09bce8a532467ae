using Loyalty.Domain.Members;

namespace Loyalty.Domain.Points;

/// <summary>
/// What one event does to a member's points: the signed change of the available points and of the deficit,
/// and of the lifetime totals. Computed from the event alone, which records every amount it settled.
/// </summary>
public sealed record Movement(long Available, long Deficit, long Earned, long Redeemed, long Adjusted)
{
    public static Movement? Of(IMemberEvent @event) => @event switch
    {
        PointsEarned e => new(e.Points - e.DeficitSettled, -e.DeficitSettled, e.Points, 0, 0),
        PointsReversed e => new(-e.TakenFromBalance, e.AddedToDeficit, -e.Points, 0, 0),
        PointsRedeemed e => new(-e.Points, 0, 0, e.Points, 0),
        RedemptionCancelled e => new(e.Points - e.DeficitSettled, -e.DeficitSettled, 0, -e.Points, 0),
        // A negative adjustment takes from the available points and settles nothing.
        PointsAdjusted e => new(e.Points - e.DeficitSettled, -e.DeficitSettled, 0, 0, e.Points),
        _ => null
    };
}

/// <summary>
/// The arithmetic of a member's points, in one place: the account, the balance read model and the ledger
/// all go through <see cref="Movement.Of"/>. It reconciles by construction:
/// Available − Deficit = LifetimeEarned − LifetimeRedeemed + LifetimeAdjusted.
/// </summary>
public sealed record Balance(long Available, long Deficit, long LifetimeEarned, long LifetimeRedeemed, long LifetimeAdjusted)
{
    public static readonly Balance Zero = new(0, 0, 0, 0, 0);

    /// <summary>A credit pays off the deficit first; returns how much of it does.</summary>
    public int SettlesDeficit(int credit) => (int)Math.Min(Deficit, Math.Max(credit, 0));

    public Balance After(IMemberEvent @event) => Movement.Of(@event) is { } m
        ? new(Available + m.Available, Deficit + m.Deficit, LifetimeEarned + m.Earned, LifetimeRedeemed + m.Redeemed, LifetimeAdjusted + m.Adjusted)
        : this;
}
