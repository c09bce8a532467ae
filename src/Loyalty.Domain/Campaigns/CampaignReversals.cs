using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;

namespace Loyalty.Domain.Campaigns;

/// <summary>
/// What a return takes back from the campaigns that gave on the purchase, after the purchase's own points:
/// <list type="bullet">
/// <item>an award on lines gives back what the returned units had: <see cref="EarnRule.Reversal"/>, the rounding of
/// the purchase's own points;</item>
/// <item>an award is withdrawn whole (the rest of its points, and its use of the member's limits) when the lines
/// that counted toward its minimum now pay less than it, when they have all come back, or when nothing of it is
/// left; a bonus per purchase without a minimum is kept until then.</item>
/// </list>
/// </summary>
public static class CampaignReversals
{
    /// <param name="account">the member's account after the purchase's own reversal</param>
    /// <param name="purchase">the purchase before this return</param>
    public static IReadOnlyList<IMemberEvent> Following(
        PointsAccount account,
        PurchaseState purchase,
        ReturnPurchase cmd
    )
    {
        var returned = cmd.Lines.ToDictionary(l => l.LineId, l => l.Quantity);
        decimal ReturnedAfter(string lineId) =>
            purchase.Lines[lineId].ReturnedQuantity + returned.GetValueOrDefault(lineId);
        var reference = PurchaseState.Key(purchase.Source, purchase.TransactionId);
        var lots = account.Lots;
        var reversals = new List<CampaignReversal>();
        foreach (var award in purchase.Awards ?? [])
        {
            if (award.Withdrawn)
                continue;
            var lines = (award.Lines ?? new Dictionary<string, int>())
                .Where(l => returned.ContainsKey(l.Key))
                .Select(l =>
                {
                    var line = purchase.Lines[l.Key];
                    var points = EarnRule.Reversal(l.Value, line.Quantity, line.ReturnedQuantity, ReturnedAfter(l.Key));
                    return new ReversedLine(l.Key, returned[l.Key], points);
                })
                .ToList();
            var left = award.Points - award.Reversed;
            var withdrawn =
                award.CountedLines.All(id => ReturnedAfter(id) >= purchase.Lines[id].Quantity)
                || award.Minimum is { } minimum && StillPaid(purchase, award, ReturnedAfter) < minimum
                || award.Lines is not null && lines.Sum(l => l.Points) >= left;
            var points = withdrawn ? left : lines.Sum(l => l.Points);
            if (points == 0 && !withdrawn)
                continue;
            var ownLot = Lot.IdFor(CampaignAward.LotOf(award.Campaign, reference));
            var taken = lots.TakeForReversal(ownLot, points, cmd.RecordedAt);
            lots = lots.Remove(taken);
            var fromLots = taken.Sum(t => t.Points);
            reversals.Add(
                new CampaignReversal(
                    award.Campaign,
                    award.Version,
                    lines,
                    points,
                    withdrawn,
                    fromLots,
                    points - fromLots,
                    taken,
                    award.Qualifying,
                    award.Charged
                )
            );
        }
        if (reversals.Count == 0)
            return [];
        var qualifying = reversals.Where(r => r.Qualifying).Sum(r => r.Points);
        return
        [
            new CampaignPointsReversed(
                account.MemberId,
                reference,
                cmd.ReturnId,
                reversals,
                qualifying > 0 && purchase.At is { } at ? new QualifyingActivity(at, -qualifying, 0, 0) : null,
                cmd.OccurredAt,
                cmd.RecordedAt,
                cmd.By
            ),
        ];
    }

    private static decimal StillPaid(PurchaseState purchase, AwardState award, Func<string, decimal> returnedAfter) =>
        award.CountedLines.Sum(id =>
        {
            var line = purchase.Lines[id];
            return (line.AmountPaid ?? 0) * (line.Quantity - returnedAfter(id)) / line.Quantity;
        });
}
