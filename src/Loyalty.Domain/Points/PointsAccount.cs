using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// A member's account as their stream leaves it: whether they can earn, their balance and open lots, the tier they
/// earned or were given and their paid membership. What a single purchase, redemption or hold needs beyond that is
/// kept with it (<see cref="PurchaseState"/>, <see cref="RedemptionState"/>, <see cref="HoldState"/>).
/// </summary>
public sealed record PointsAccount(Guid MemberId, bool Enrolled, bool Closed, Balance Balance, Lots Lots, TierStanding? Standing = null,
    Membership? Membership = null)
{
    public TierStanding Tier => Standing ?? TierStanding.None;

    /// <summary>How many recent lots stay separate when a member's lots are consolidated (<see cref="Lots.Consolidated"/>).</summary>
    public const int SeparateLots = 100;

    public static PointsAccount Initial(Guid memberId) => new(memberId, false, false, Balance.Zero, Lots.None);

    /// <summary>What the member may spend at <paramref name="at"/>: usable points of available, unexpired lots.</summary>
    public long AvailableAt(Instant at) => Lots.Available(at);

    public static PointsAccount Evolve(PointsAccount account, IMemberEvent @event) => @event switch
    {
        MemberEnrolled => account with { Enrolled = true },
        MemberClosed => account with { Closed = true },
        ITierEvent => account with { Standing = TierStanding.Evolve(account.Tier, @event) },
        IMembershipEvent => account with { Membership = Membership.Evolve(account.Membership, @event) },
        MemberProfileUpdated => account,
        _ => account with
        {
            Balance = account.Balance.After(@event), Lots = LotsAfter(account.Lots, @event).Consolidated(At(@event), SeparateLots),
            Standing = TierStanding.Evolve(account.Tier, @event)
        }
    };

    private static Instant At(IMemberEvent @event) => @event switch
    {
        PointsEarned e => e.At, PointsReversed e => e.At, PointsRedeemed e => e.At, RedemptionCancelled e => e.At, PointsAdjusted e => e.At,
        PointsExpired e => e.At, PointsHeld e => e.At, MembershipBonusEarned e => e.At, HoldCaptured e => e.At, HoldReleased e => e.At,
        _ => Instant.MinValue
    };

    /// <summary>
    /// How an event changes the lots. Events stored before lots existed carry no lot details: their lot is available
    /// at once and never expires, and what they took is taken again in the consumption order as of their time.
    /// </summary>
    private static Lots LotsAfter(Lots lots, IMemberEvent @event) => @event switch
    {
        PointsEarned e => MovedBy(lots, e.OpenLotsExpireAt).Add(Lot.Credit(LotSource.Of(e), e.Points - e.DeficitSettled,
            e.At, e.AvailableAt ?? e.At, e.ExpiresAt ?? e.OpenLotsExpireAt)),
        PointsReversed e => lots.Remove(e.Taken ?? lots.TakeUpTo(e.TakenFromBalance, e.At)),
        PointsRedeemed e => MovedBy(lots.Remove(e.Taken ?? lots.TakeUpTo(e.Points, e.At)), e.OpenLotsExpireAt),
        RedemptionCancelled { Restored: { } restored } => lots.Restore(restored),
        RedemptionCancelled e => lots.Add(Lot.Credit(new LotSource("redemption", e.RedemptionId), e.Points - e.DeficitSettled, e.At, e.At, null)),
        PointsAdjusted { Points: > 0 } e => lots.Add(Lot.Credit(LotSource.Of(e), e.Points - e.DeficitSettled, e.At, e.At, e.ExpiresAt)),
        PointsAdjusted e => lots.Remove(e.Taken ?? lots.TakeUpTo(-e.Points, e.At)),
        MembershipBonusEarned e => lots.Add(Lot.Credit(LotSource.Of(e), e.Points - e.DeficitSettled, e.At, e.At, e.ExpiresAt)),
        PointsExpired e => lots.Remove(e.Lots),
        PointsHeld e => lots.Hold(e.Taken),
        HoldCaptured e => MovedBy(lots.Unhold(e.Captured).Remove(e.Captured).Unhold(e.Released), e.OpenLotsExpireAt),
        HoldReleased e => lots.Unhold(e.Released),
        _ => lots
    };

    private static Lots MovedBy(Lots lots, Instant? openLotsExpireAt) => openLotsExpireAt is { } at ? lots.ExpiringAt(at) : lots;
}
