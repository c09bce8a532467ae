using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>A line brought back as the till sent it, before it is checked.</summary>
public sealed record ReturnLine(string? LineId, decimal Quantity);

/// <summary>A checked line brought back: units of a line of the purchase.</summary>
public sealed record ReturnedUnits(string LineId, decimal Quantity);

/// <summary>Lines of an earlier purchase came back: reverse exactly the points those units earned.</summary>
public sealed record ReturnPurchase(
    string Source,
    string TransactionId,
    string ReturnId,
    IReadOnlyList<ReturnedUnits> Lines,
    Instant OccurredAt,
    Instant RecordedAt,
    Actor By
)
{
    /// <summary>The return as sent, checked: each failure names the field.</summary>
    public static ReturnPurchase Parse(
        string source,
        string transactionId,
        string? returnId,
        IReadOnlyList<ReturnLine?>? lines,
        Instant occurredAt,
        Instant recordedAt,
        Actor by
    )
    {
        var id = Guard.Required(returnId, "returnId", 100);
        if (lines is null || lines.Count == 0)
            throw new InvalidInput("lines", "at least one line is required");
        Guard.NotInFuture(occurredAt, recordedAt, "occurredAt");
        var parsed = new List<ReturnedUnits>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i] ?? throw new InvalidInput($"lines[{i}]", "is required");
            var lineId = Guard.Required(line.LineId, $"lines[{i}].lineId", 100);
            if (line.Quantity <= 0)
                throw new InvalidInput($"lines[{i}].quantity", "must be greater than 0");
            if (parsed.Any(r => r.LineId == lineId))
                throw new InvalidInput($"lines[{i}].lineId", "appears twice");
            parsed.Add(new ReturnedUnits(lineId, line.Quantity));
        }
        return new(source, transactionId, id, parsed, occurredAt, recordedAt, by);
    }

    /// <summary>
    /// The purchase's own points reversed, then the campaigns' (see <see cref="CampaignReversals"/>).
    /// </summary>
    public static IReadOnlyList<IMemberEvent> DecideWithCampaigns(
        PointsAccount account,
        PurchaseState? purchase,
        ReturnPurchase cmd
    )
    {
        var reversed = Decide(account, purchase, cmd).Single();
        var after = PointsAccount.Evolve(account, reversed);
        return [reversed, .. CampaignReversals.Following(after, purchase!, cmd)];
    }

    public static PointsReversed[] Decide(PointsAccount account, PurchaseState? purchase, ReturnPurchase cmd)
    {
        if (purchase is null || purchase.MemberId != account.MemberId)
            throw new NotFound("transactionId", "no such purchase");
        if (purchase.ReturnIds.Contains(cmd.ReturnId))
            throw new Conflict("returnId", "this return is already recorded");

        var reversed = new List<ReversedLine>();
        var (basePoints, spend) = (0, 0m);
        for (var i = 0; i < cmd.Lines.Count; i++)
        {
            var (lineId, quantity) = cmd.Lines[i];
            if (!purchase.Lines.TryGetValue(lineId, out var line))
                throw new RuleBroken($"lines[{i}].lineId", "the purchase has no such line");
            var after = line.ReturnedQuantity + quantity;
            if (after > line.Quantity)
                throw new RuleBroken(
                    $"lines[{i}].quantity",
                    $"only {line.Quantity - line.ReturnedQuantity} of {line.Quantity} units are left to return"
                );
            var points = EarnRule.Reversal(line.Points, line.Quantity, line.ReturnedQuantity, after);
            reversed.Add(new ReversedLine(lineId, quantity, points));
            basePoints += EarnRule.Reversal(
                line.BasePoints ?? line.Points,
                line.Quantity,
                line.ReturnedQuantity,
                after
            );
            spend += EarnRule.SpendReversal(line.AmountPaid ?? 0, line.Quantity, line.ReturnedQuantity, after);
        }
        var returnedInFull = purchase.Lines.All(l =>
            l.Value.ReturnedQuantity + (reversed.FirstOrDefault(r => r.LineId == l.Key)?.Quantity ?? 0)
            >= l.Value.Quantity
        );
        var qualifying = purchase.At is { } purchasedAt
            ? new QualifyingActivity(purchasedAt, -basePoints, -spend, returnedInFull ? -1 : 0)
            : null;

        var total = reversed.Sum(r => r.Points);
        var ownLot = Lot.IdFor(LotSource.Of(purchase));
        var taken = account.Lots.TakeForReversal(ownLot, total, cmd.RecordedAt);
        var fromLots = taken.Sum(t => t.Points);
        return
        [
            new PointsReversed(
                account.MemberId,
                purchase.Source,
                purchase.TransactionId,
                cmd.ReturnId,
                reversed,
                total,
                fromLots,
                total - fromLots,
                cmd.OccurredAt,
                cmd.RecordedAt,
                cmd.By,
                taken,
                qualifying
            ),
        ];
    }
}
