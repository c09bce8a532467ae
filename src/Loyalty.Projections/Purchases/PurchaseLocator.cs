using JasperFx.Events;
using Loyalty.Domain.Points;
using Marten.Events.Projections;

namespace Loyalty.Projections.Purchases;

/// <summary>Which member's stream holds a purchase, and its store, so a return can find it by the till's own reference.</summary>
public sealed record PurchaseLocator(string Id, Guid MemberId, string? StoreId = null)
{
    public static string IdFor(string source, string transactionId) => PurchaseState.Key(source, transactionId);
}

/// <summary>Inline: a return may arrive the moment after the purchase answered.</summary>
public sealed partial class PurchaseLocatorProjection : EventProjection
{
    public PurchaseLocator Create(IEvent<PointsEarned> e) =>
        new(PurchaseLocator.IdFor(e.Data.Source, e.Data.TransactionId), e.Data.MemberId, e.Data.StoreId);
}
