using Loyalty.Domain.Members;
using Loyalty.Domain.Points;

namespace Loyalty.Api.Tests.Points;

/// <summary>
/// A member's events as a test decides and records them, and what the service folds from them: the account, and a
/// purchase (by transaction id), a redemption or a hold, each from its own events.
/// </summary>
internal sealed class MemberStream(Guid memberId, IEnumerable<IMemberEvent> first)
{
    public List<IMemberEvent> Events { get; } = [.. first];

    public PointsAccount Account => Events.Aggregate(PointsAccount.Initial(memberId), PointsAccount.Evolve);

    public void Add(IEnumerable<IMemberEvent> events) => Events.AddRange(events);

    public PurchaseState? Purchase(string transactionId) =>
        Fold<PurchaseState>(PurchaseState.Evolve, e => PurchaseState.KeyOf(e)?.EndsWith($"/{transactionId}") == true);

    public RedemptionState? Redemption(string redemptionId) =>
        Fold<RedemptionState>(
            RedemptionState.Evolve,
            e =>
                e switch
                {
                    PointsRedeemed x => x.RedemptionId,
                    RedemptionCancelled x => x.RedemptionId,
                    _ => null,
                } == redemptionId
        );

    public HoldState? Hold(string holdId) =>
        Fold<HoldState>(
            HoldState.Evolve,
            e =>
                e switch
                {
                    PointsHeld x => x.HoldId,
                    HoldCaptured x => x.HoldId,
                    HoldReleased x => x.HoldId,
                    _ => null,
                } == holdId
        );

    private T? Fold<T>(Func<T?, IMemberEvent, T?> evolve, Func<IMemberEvent, bool> belongs)
        where T : class => Events.Where(belongs).Aggregate((T?)null, evolve);
}
