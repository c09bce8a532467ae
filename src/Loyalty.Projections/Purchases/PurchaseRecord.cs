using JasperFx.Events;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Marten.Events.Projections;

namespace Loyalty.Projections.Purchases;

/// <summary>A purchase by the till's own reference (source/transactionId): what it earned and what came back.</summary>
public sealed record PurchaseRecord(string Id, PurchaseState Purchase)
{
    // Columns: the insight job and the KPIs count purchases by member and time without reading the documents.
    public Guid MemberId { get; init; } = Purchase.MemberId;

    public long AtUnixMilliseconds { get; init; } = Purchase.At?.ToUnixTimeMilliseconds() ?? 0;

    /// <summary>What the purchase still pays after its returns.</summary>
    public decimal Paid { get; init; } = Purchase.StillPaid;
}

/// <summary>Inline: a return may arrive the moment after the purchase answered, and decides on this record.</summary>
public sealed class PurchaseRecordProjection : MultiStreamProjection<PurchaseRecord, string>
{
    public PurchaseRecordProjection()
    {
        Identity<PointsEarned>(e => PurchaseState.Key(e.Source, e.TransactionId));
        Identity<PointsReversed>(e => PurchaseState.Key(e.Source, e.TransactionId));
        Identities<CampaignPointsEarned>(e => e.ForPurchase ? [e.Reference] : []);
        Identities<CampaignPointsReversed>(e => [e.Reference]);
    }

    public override PurchaseRecord? Evolve(PurchaseRecord? snapshot, string id, IEvent e) =>
        e.Data is IMemberEvent @event && PurchaseState.Evolve(snapshot?.Purchase, @event) is { } purchase
            ? new PurchaseRecord(id, purchase)
            : snapshot;
}

/// <summary>A redemption by member and redemption id: its points, and whether it was cancelled.</summary>
public sealed record RedemptionRecord(string Id, RedemptionState Redemption);

public sealed class RedemptionRecordProjection : MultiStreamProjection<RedemptionRecord, string>
{
    public RedemptionRecordProjection()
    {
        Identity<PointsRedeemed>(e => RedemptionState.Key(e.MemberId, e.RedemptionId));
        Identity<RedemptionCancelled>(e => RedemptionState.Key(e.MemberId, e.RedemptionId));
    }

    public override RedemptionRecord? Evolve(RedemptionRecord? snapshot, string id, IEvent e) =>
        e.Data is IMemberEvent @event && RedemptionState.Evolve(snapshot?.Redemption, @event) is { } redemption
            ? new RedemptionRecord(id, redemption)
            : snapshot;
}

/// <summary>A hold at checkout by member and hold id: what it reserved, until when, and how it ended.</summary>
public sealed record HoldRecord(string Id, HoldState Hold);

public sealed class HoldRecordProjection : MultiStreamProjection<HoldRecord, string>
{
    public HoldRecordProjection()
    {
        Identity<PointsHeld>(e => HoldState.Key(e.MemberId, e.HoldId));
        Identity<HoldCaptured>(e => HoldState.Key(e.MemberId, e.HoldId));
        Identity<HoldReleased>(e => HoldState.Key(e.MemberId, e.HoldId));
    }

    public override HoldRecord? Evolve(HoldRecord? snapshot, string id, IEvent e) =>
        e.Data is IMemberEvent @event && HoldState.Evolve(snapshot?.Hold, @event) is { } hold
            ? new HoldRecord(id, hold)
            : snapshot;
}
