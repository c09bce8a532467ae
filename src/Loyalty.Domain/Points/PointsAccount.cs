using Loyalty.Domain.Members;

namespace Loyalty.Domain.Points;

/// <summary>
/// The points side of a member's stream: whether they can earn, and their balance. Small on purpose: what a
/// single purchase or redemption needs is kept with that purchase or redemption (<see cref="PurchaseState"/>,
/// <see cref="RedemptionState"/>), so a write costs the same however long the member's history is.
/// </summary>
public sealed record PointsAccount(Guid MemberId, bool Enrolled, bool Closed, Balance Balance)
{
    public static PointsAccount Initial(Guid memberId) => new(memberId, false, false, Balance.Zero);

    public long Available => Balance.Available;

    public static PointsAccount Evolve(PointsAccount account, IMemberEvent @event) => @event switch
    {
        MemberEnrolled => account with { Enrolled = true },
        MemberClosed => account with { Closed = true },
        _ => account with { Balance = account.Balance.After(@event) }
    };
}
