using NodaTime;

namespace Loyalty.Domain.Points.Frozen;

/// <summary>
/// The rules that fold events stored before their writes recorded what they decided. Frozen: never edit this
/// file, not even to follow a change of today's rules, or streams already stored would fold differently. The
/// golden streams in the tests fold such events and fail if anything here moves.
/// </summary>
public static class FrozenFoldRules
{
    /// <summary>
    /// How many recent lots stayed apart when the fold consolidated lots (before <c>LotsConsolidated</c>).
    /// </summary>
    public const int SeparateLotsInFold = 100;

    /// <summary>
    /// What an event stored before lots existed took: as much of <paramref name="points"/> as the lots cover, from
    /// the available lots that expire soonest (never last), then the oldest, then by id.
    /// </summary>
    public static IReadOnlyList<LotTake> TakenBeforeLots(Lots lots, long points, Instant at)
    {
        var usable = lots
            .Items.Select(lot => (Lot: lot, Usable: IsAvailable(lot, at) ? lot.Open - lot.Held : 0))
            .Where(l => l.Usable > 0)
            .OrderBy(l => l.Lot.ExpiresAt ?? Instant.MaxValue)
            .ThenBy(l => l.Lot.EarnedAt)
            .ThenBy(l => l.Lot.LotId, StringComparer.Ordinal)
            .ToList();
        var left = Math.Min(points, usable.Sum(l => (long)l.Usable));
        var takes = new List<LotTake>();
        foreach (var (lot, available) in usable)
        {
            if (left == 0)
                break;
            var take = (int)Math.Min(left, available);
            takes.Add(new LotTake(lot.LotId, take, lot.EarnedAt, lot.AvailableAt, lot.ExpiresAt));
            left -= take;
        }
        return takes;
    }

    /// <summary>
    /// The consolidation the fold made after every points event of a member enrolled before consolidation was
    /// recorded: past 200 lots, every available lot no hold touches, except the newest 100, merged into one lot per
    /// expiry (<c>consolidated:never</c>, <c>consolidated:&lt;expiry in Unix ms&gt;</c>).
    /// </summary>
    public static Lots ConsolidatedInFold(Lots lots, Instant at)
    {
        if (lots.Items.Count <= 2 * SeparateLotsInFold)
            return lots;
        var newest = lots
            .Items.OrderByDescending(l => l.EarnedAt)
            .ThenByDescending(l => l.LotId, StringComparer.Ordinal)
            .Take(SeparateLotsInFold)
            .Select(l => l.LotId)
            .ToHashSet();
        var merging = lots.Items.Where(l => !newest.Contains(l.LotId) && l.Held == 0 && IsAvailable(l, at)).ToList();
        var items = lots.Items.RemoveAll(merging.Contains);
        foreach (var group in merging.GroupBy(l => l.ExpiresAt))
        {
            var id = $"consolidated:{group.Key?.ToUnixTimeMilliseconds().ToString() ?? "never"}";
            var into =
                items.Find(l => l.LotId == id) ?? new Lot(id, 0, 0, 0, Instant.MaxValue, Instant.MinValue, group.Key);
            var points = group.Sum(l => l.Open);
            var merged = into with
            {
                Points = into.Points + points,
                Open = into.Open + points,
                EarnedAt = Instant.Min(into.EarnedAt, group.Min(l => l.EarnedAt)),
                AvailableAt = Instant.Max(into.AvailableAt, group.Max(l => l.AvailableAt)),
            };
            items = items.Remove(into).Add(merged);
        }
        return new Lots(items);
    }

    private static bool IsAvailable(Lot lot, Instant at) =>
        lot.AvailableAt <= at && !(lot.ExpiresAt is { } expires && expires <= at);
}
