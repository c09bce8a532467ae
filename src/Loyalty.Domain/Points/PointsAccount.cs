using System.Collections.Immutable;
using Loyalty.Domain.Members;

namespace Loyalty.Domain.Points;

/// <summary>A purchase line as the account remembers it, to reverse exactly what it earned.</summary>
public sealed record LineState(decimal Quantity, int Points, decimal ReturnedQuantity, int ReversedPoints);

public sealed record PurchaseState(
    string Source, string TransactionId, ImmutableDictionary<string, LineState> Lines, int Points, int ReversedPoints,
    ImmutableHashSet<string> ReturnIds)
{
    public static string Key(string source, string transactionId) => $"{source}/{transactionId}";
}

public sealed record RedemptionState(int Points, bool Cancelled);

/// <summary>The points side of a member's stream: its balance and what later commands must check against.</summary>
public sealed record PointsAccount(
    Guid MemberId,
    bool Enrolled,
    bool Closed,
    Balance Balance,
    ImmutableDictionary<string, PurchaseState> Purchases,
    ImmutableDictionary<string, RedemptionState> Redemptions,
    ImmutableHashSet<string> AdjustmentIds)
{
    public static PointsAccount Initial(Guid memberId) =>
        new(memberId, false, false, Balance.Zero,
            ImmutableDictionary<string, PurchaseState>.Empty, ImmutableDictionary<string, RedemptionState>.Empty,
            ImmutableHashSet<string>.Empty);

    public long Available => Balance.Available;

    public static PointsAccount Evolve(PointsAccount account, IMemberEvent @event) =>
        account.Record(@event) with { Balance = account.Balance.After(@event) };

    private PointsAccount Record(IMemberEvent @event) => @event switch
    {
        MemberEnrolled => this with { Enrolled = true },
        MemberClosed => this with { Closed = true },
        PointsEarned e => this with
        {
            Purchases = Purchases.SetItem(PurchaseState.Key(e.Source, e.TransactionId), new PurchaseState(
                e.Source, e.TransactionId,
                e.Lines.ToImmutableDictionary(l => l.LineId, l => new LineState(l.Quantity, l.Points, 0, 0)),
                e.Points, 0, ImmutableHashSet<string>.Empty))
        },
        PointsReversed e => this with
        {
            Purchases = Purchases.SetItem(PurchaseState.Key(e.Source, e.TransactionId),
                Reverse(Purchases[PurchaseState.Key(e.Source, e.TransactionId)], e))
        },
        PointsRedeemed e => this with { Redemptions = Redemptions.SetItem(e.RedemptionId, new RedemptionState(e.Points, false)) },
        RedemptionCancelled e => this with { Redemptions = Redemptions.SetItem(e.RedemptionId, new RedemptionState(e.Points, true)) },
        PointsAdjusted e => this with { AdjustmentIds = AdjustmentIds.Add(e.AdjustmentId) },
        _ => this
    };

    private static PurchaseState Reverse(PurchaseState purchase, PointsReversed e)
    {
        var lines = purchase.Lines;
        foreach (var returned in e.Lines)
        {
            var line = lines[returned.LineId];
            lines = lines.SetItem(returned.LineId, line with
            {
                ReturnedQuantity = line.ReturnedQuantity + returned.Quantity,
                ReversedPoints = line.ReversedPoints + returned.Points
            });
        }
        return purchase with
        {
            Lines = lines,
            ReversedPoints = purchase.ReversedPoints + e.Points,
            ReturnIds = purchase.ReturnIds.Add(e.ReturnId)
        };
    }
}
