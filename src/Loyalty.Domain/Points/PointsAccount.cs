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

/// <summary>
/// The points side of a member's stream. Reconciles by construction:
/// Available − Deficit = LifetimeEarned − LifetimeRedeemed + LifetimeAdjusted.
/// </summary>
public sealed record PointsAccount(
    Guid MemberId,
    bool Enrolled,
    bool Closed,
    long Available,
    long Deficit,
    long LifetimeEarned,
    long LifetimeRedeemed,
    long LifetimeAdjusted,
    ImmutableDictionary<string, PurchaseState> Purchases,
    ImmutableDictionary<string, RedemptionState> Redemptions,
    ImmutableHashSet<string> AdjustmentIds)
{
    public static PointsAccount Initial(Guid memberId) =>
        new(memberId, false, false, 0, 0, 0, 0, 0,
            ImmutableDictionary<string, PurchaseState>.Empty, ImmutableDictionary<string, RedemptionState>.Empty,
            ImmutableHashSet<string>.Empty);

    /// <summary>A credit pays off the deficit first; returns how much of it does.</summary>
    public int SettlesDeficit(int credit) => (int)Math.Min(Deficit, Math.Max(credit, 0));

    public static PointsAccount Evolve(PointsAccount account, IMemberEvent @event) => @event switch
    {
        MemberEnrolled => account with { Enrolled = true },
        MemberClosed => account with { Closed = true },
        PointsEarned e => account.Credit(e.Points, e.DeficitSettled) with
        {
            LifetimeEarned = account.LifetimeEarned + e.Points,
            Purchases = account.Purchases.SetItem(PurchaseState.Key(e.Source, e.TransactionId), new PurchaseState(
                e.Source, e.TransactionId,
                e.Lines.ToImmutableDictionary(l => l.LineId, l => new LineState(l.Quantity, l.Points, 0, 0)),
                e.Points, 0, ImmutableHashSet<string>.Empty))
        },
        PointsReversed e => account with
        {
            Available = account.Available - e.TakenFromBalance,
            Deficit = account.Deficit + e.AddedToDeficit,
            LifetimeEarned = account.LifetimeEarned - e.Points,
            Purchases = account.Purchases.SetItem(PurchaseState.Key(e.Source, e.TransactionId),
                Reverse(account.Purchases[PurchaseState.Key(e.Source, e.TransactionId)], e))
        },
        PointsRedeemed e => account with
        {
            Available = account.Available - e.Points,
            LifetimeRedeemed = account.LifetimeRedeemed + e.Points,
            Redemptions = account.Redemptions.SetItem(e.RedemptionId, new RedemptionState(e.Points, false))
        },
        RedemptionCancelled e => account.Credit(e.Points, e.DeficitSettled) with
        {
            LifetimeRedeemed = account.LifetimeRedeemed - e.Points,
            Redemptions = account.Redemptions.SetItem(e.RedemptionId, new RedemptionState(e.Points, true))
        },
        PointsAdjusted { Points: >= 0 } e => account.Credit(e.Points, e.DeficitSettled) with
        {
            LifetimeAdjusted = account.LifetimeAdjusted + e.Points,
            AdjustmentIds = account.AdjustmentIds.Add(e.AdjustmentId)
        },
        PointsAdjusted e => account with
        {
            Available = account.Available + e.Points,
            LifetimeAdjusted = account.LifetimeAdjusted + e.Points,
            AdjustmentIds = account.AdjustmentIds.Add(e.AdjustmentId)
        },
        _ => account
    };

    private PointsAccount Credit(int points, int deficitSettled) =>
        this with { Available = Available + points - deficitSettled, Deficit = Deficit - deficitSettled };

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
