using Loyalty.Domain.Members;

namespace Loyalty.Domain.Points;

/// <summary>A redemption: how many points it took and from which lots, and whether it was cancelled.</summary>
public sealed record RedemptionState(
    Guid MemberId,
    string RedemptionId,
    int Points,
    bool Cancelled,
    IReadOnlyList<LotTake>? Taken = null
)
{
    public static string Key(Guid memberId, string redemptionId) => $"{memberId:N}/{redemptionId}";

    public static RedemptionState? Evolve(RedemptionState? redemption, IMemberEvent @event) =>
        (redemption, @event) switch
        {
            (null, PointsRedeemed e) => new RedemptionState(e.MemberId, e.RedemptionId, e.Points, false, e.Taken),
            (not null, RedemptionCancelled) => redemption with { Cancelled = true },
            _ => redemption,
        };
}
