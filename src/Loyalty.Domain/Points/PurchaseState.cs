using System.Collections.Immutable;
using Loyalty.Domain.Members;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// A purchase line as remembered, to reverse exactly what it earned and what it counted toward tiers.
/// </summary>
public sealed record LineState(
    decimal Quantity,
    int Points,
    decimal ReturnedQuantity,
    int ReversedPoints,
    int? BasePoints = null,
    decimal? AmountPaid = null
);

/// <summary>A recorded purchase: what each line earned, and what returns have reversed so far.</summary>
public sealed record PurchaseState(
    string Source,
    string TransactionId,
    Guid MemberId,
    string StoreId,
    ImmutableDictionary<string, LineState> Lines,
    int Points,
    int ReversedPoints,
    ImmutableHashSet<string> ReturnIds,
    Instant? At = null
)
{
    public static string Key(string source, string transactionId) => $"{source}/{transactionId}";

    /// <summary>Folds the events of one purchase: its earning, then its returns.</summary>
    public static PurchaseState? Evolve(PurchaseState? purchase, IMemberEvent @event) =>
        (purchase, @event) switch
        {
            (null, PointsEarned e) => new PurchaseState(
                e.Source,
                e.TransactionId,
                e.MemberId,
                e.StoreId,
                e.Lines.ToImmutableDictionary(
                    l => l.LineId,
                    l => new LineState(l.Quantity, l.Points, 0, 0, l.BasePoints ?? l.Points, l.AmountPaid)
                ),
                e.Points,
                0,
                ImmutableHashSet<string>.Empty,
                e.At
            ),
            (not null, PointsReversed e) => purchase.Reverse(e),
            _ => purchase,
        };

    private PurchaseState Reverse(PointsReversed e)
    {
        var lines = Lines;
        foreach (var returned in e.Lines)
        {
            var line = lines[returned.LineId];
            lines = lines.SetItem(
                returned.LineId,
                line with
                {
                    ReturnedQuantity = line.ReturnedQuantity + returned.Quantity,
                    ReversedPoints = line.ReversedPoints + returned.Points,
                }
            );
        }
        return this with
        {
            Lines = lines,
            ReversedPoints = ReversedPoints + e.Points,
            ReturnIds = ReturnIds.Add(e.ReturnId),
        };
    }
}
