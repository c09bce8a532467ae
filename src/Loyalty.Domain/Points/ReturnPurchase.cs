using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Points;

public sealed record ReturnLine(string? LineId, decimal Quantity);

/// <summary>Lines of an earlier purchase came back: reverse exactly the points those units earned.</summary>
public sealed record ReturnPurchase(
    string Source,
    string TransactionId,
    string? ReturnId,
    IReadOnlyList<ReturnLine>? Lines,
    Instant OccurredAt,
    Instant RecordedAt,
    Actor By)
{
    public static PointsReversed[] Decide(PointsAccount account, PurchaseState? purchase, ReturnPurchase cmd)
    {
        var returnId = Guard.Required(cmd.ReturnId, "returnId", 100);
        if (cmd.Lines is null || cmd.Lines.Count == 0) throw new InvalidInput("lines", "at least one line is required");
        Guard.NotInFuture(cmd.OccurredAt, cmd.RecordedAt, "occurredAt");
        if (purchase is null || purchase.MemberId != account.MemberId) throw new NotFound("transactionId", "no such purchase");
        if (purchase.ReturnIds.Contains(returnId)) throw new Conflict("returnId", "this return is already recorded");

        var reversed = new List<ReversedLine>();
        var (basePoints, spend) = (0, 0m);
        for (var i = 0; i < cmd.Lines.Count; i++)
        {
            var returned = cmd.Lines[i] ?? throw new InvalidInput($"lines[{i}]", "is required");
            var lineId = Guard.Required(returned.LineId, $"lines[{i}].lineId", 100);
            if (returned.Quantity <= 0) throw new InvalidInput($"lines[{i}].quantity", "must be greater than 0");
            if (reversed.Any(r => r.LineId == lineId)) throw new InvalidInput($"lines[{i}].lineId", "appears twice");
            if (!purchase.Lines.TryGetValue(lineId, out var line))
                throw new RuleBroken($"lines[{i}].lineId", "the purchase has no such line");
            var after = line.ReturnedQuantity + returned.Quantity;
            if (after > line.Quantity)
                throw new RuleBroken($"lines[{i}].quantity",
                    $"only {line.Quantity - line.ReturnedQuantity} of {line.Quantity} units are left to return");
            reversed.Add(new ReversedLine(lineId, returned.Quantity,
                Rules.EarnRule.Reversal(line.Points, line.Quantity, line.ReturnedQuantity, after)));
            basePoints += Rules.EarnRule.Reversal(line.BasePoints ?? line.Points, line.Quantity, line.ReturnedQuantity, after);
            spend += Rules.EarnRule.SpendReversal(line.AmountPaid ?? 0, line.Quantity, line.ReturnedQuantity, after);
        }
        var returnedInFull = purchase.Lines.All(l => l.Value.ReturnedQuantity + (reversed.FirstOrDefault(r => r.LineId == l.Key)?.Quantity ?? 0) >= l.Value.Quantity);
        var qualifying = purchase.At is { } purchasedAt ? new Tiers.QualifyingActivity(purchasedAt, -basePoints, -spend, returnedInFull ? -1 : 0) : null;

        var points = reversed.Sum(r => r.Points);
        var ownLot = Lot.IdFor(LotSource.Of(purchase));
        var taken = account.Lots.TakeForReversal(ownLot, points, cmd.RecordedAt);
        var fromLots = taken.Sum(t => t.Points);
        return [new PointsReversed(account.MemberId, purchase.Source, purchase.TransactionId, returnId, reversed,
            points, fromLots, points - fromLots, cmd.OccurredAt, cmd.RecordedAt, cmd.By, taken, qualifying)];
    }
}
