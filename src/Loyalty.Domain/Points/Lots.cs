using System.Collections.Immutable;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>What made a lot: a purchase (<c>source/transactionId</c>) or an adjustment (its id).</summary>
public sealed record LotSource(string Kind, string Reference)
{
    public const string Purchase = "purchase",
        Adjustment = "adjustment",
        MembershipBonus = "membership-bonus",
        Campaign = "campaign";

    public static LotSource Of(PointsEarned e) => new(Purchase, $"{e.Source}/{e.TransactionId}");

    public static LotSource Of(PurchaseState p) => new(Purchase, $"{p.Source}/{p.TransactionId}");

    public static LotSource Of(PointsAdjusted e) => new(Adjustment, e.AdjustmentId);

    public static LotSource Of(Memberships.MembershipBonusEarned e) => new(MembershipBonus, e.PaymentReference);
}

/// <summary>
/// Points that left (or went back to) one lot, with the lot's dates at that moment: enough to reopen the lot with
/// its original expiry after it closed, and for finance to see what was taken without another lookup.
/// </summary>
public sealed record LotTake(string LotId, int Points, Instant EarnedAt, Instant AvailableAt, Instant? ExpiresAt);

/// <summary>
/// The points one credit created: pending until <see cref="AvailableAt"/>, usable until <see cref="ExpiresAt"/>
/// (never, when null). <see cref="Open"/> is what is left of <see cref="Points"/>; <see cref="Held"/> of it is
/// reserved by holds at checkout.
/// </summary>
public sealed record Lot(
    string LotId,
    int Points,
    int Open,
    int Held,
    Instant EarnedAt,
    Instant AvailableAt,
    Instant? ExpiresAt
)
{
    public const string Consolidated = "consolidated";

    /// <summary>What made the lot, read from its id (<c>kind:reference</c>).</summary>
    public LotSource Source() =>
        LotId.Split(':', 2) is [var kind, var reference] ? new(kind, reference) : new("", LotId);

    public static string IdFor(LotSource source) => $"{source.Kind}:{source.Reference}";

    /// <summary>A new lot of <paramref name="points"/> credited from <paramref name="source"/>.</summary>
    public static Lot Credit(LotSource source, int points, Instant earnedAt, Instant availableAt, Instant? expiresAt) =>
        new(IdFor(source), points, points, 0, earnedAt, availableAt, expiresAt);

    public bool IsExpiredAt(Instant at) => ExpiresAt is { } expires && expires <= at;

    public bool IsPendingAt(Instant at) => AvailableAt > at && !IsExpiredAt(at);

    public bool IsAvailableAt(Instant at) => AvailableAt <= at && !IsExpiredAt(at);

    public LotTake Take(int points) => new(LotId, points, EarnedAt, AvailableAt, ExpiresAt);

    /// <summary>What a redemption or a hold may take from this lot now.</summary>
    public int Usable(Instant at) => IsAvailableAt(at) ? Open - Held : 0;
}

/// <summary>
/// A member's open lots, and the one rule for taking points from them: available lots that expire soonest first
/// (lots that never expire last), then the oldest, then by id, so that the same history always takes the same points.
/// </summary>
public sealed record Lots(ImmutableList<Lot> Items)
{
    public static readonly Lots None = new(ImmutableList<Lot>.Empty);

    public long Available(Instant at) => Items.Sum(l => (long)l.Usable(at));

    public long Pending(Instant at) => Items.Where(l => l.IsPendingAt(at)).Sum(l => (long)l.Open);

    public long Held() => Items.Sum(l => (long)l.Held);

    /// <summary>
    /// Points whose lot has passed its expiry but whose expiry is not recorded yet (the job records it).
    /// </summary>
    public long Lapsed(Instant at) => Items.Where(l => l.IsExpiredAt(at)).Sum(l => (long)(l.Open - l.Held));

    public Lot? Find(string lotId) => Items.FirstOrDefault(l => l.LotId == lotId);

    /// <summary>
    /// Takes <paramref name="points"/> from the usable points of the lots, in the consumption order; null when they do
    /// not cover it.
    /// </summary>
    public IReadOnlyList<LotTake>? Take(long points, Instant at)
    {
        var takes = new List<LotTake>();
        var left = points;
        foreach (var lot in InConsumptionOrder(at))
        {
            if (left == 0)
                break;
            var take = (int)Math.Min(left, lot.Usable(at));
            if (take == 0)
                continue;
            takes.Add(lot.Take(take));
            left -= take;
        }
        return left == 0 ? takes : null;
    }

    /// <summary>As much of <paramref name="points"/> as the usable points cover, in the consumption order.</summary>
    public IReadOnlyList<LotTake> TakeUpTo(long points, Instant at) => Take(Math.Min(points, Available(at)), at)!;

    /// <summary>
    /// What a return reverses: the purchase's own lot first (pending or not), then the other usable lots in the
    /// consumption order, then the other pending lots, soonest available first. Held points are never taken; what
    /// the lots do not cover is for the deficit.
    /// </summary>
    public IReadOnlyList<LotTake> TakeForReversal(string ownLotId, long points, Instant at)
    {
        var takes = new List<LotTake>();
        var left = points;
        if (Find(ownLotId) is { } own && Math.Min(left, own.Open - own.Held) is var fromOwn and > 0)
        {
            takes.Add(own.Take((int)fromOwn));
            left -= fromOwn;
        }
        var others = new Lots(Items.RemoveAll(l => l.LotId == ownLotId));
        var usable = others.TakeUpTo(left, at);
        takes.AddRange(usable);
        left -= usable.Sum(t => t.Points);
        foreach (
            var lot in others
                .Items.Where(l => l.IsPendingAt(at))
                .OrderBy(l => l.AvailableAt)
                .ThenBy(l => l.LotId, StringComparer.Ordinal)
        )
        {
            if (left == 0)
                break;
            var take = (int)Math.Min(left, lot.Open - lot.Held);
            if (take == 0)
                continue;
            takes.Add(lot.Take(take));
            left -= take;
        }
        return takes;
    }

    /// <summary>
    /// Splits recorded takes into the first <paramref name="points"/> of them, in their order, and the rest.
    /// </summary>
    public static (IReadOnlyList<LotTake> First, IReadOnlyList<LotTake> Remainder) Split(
        IEnumerable<LotTake> takes,
        long points
    )
    {
        var (first, rest) = (new List<LotTake>(), new List<LotTake>());
        foreach (var take in takes)
        {
            var part = (int)Math.Clamp(points, 0, take.Points);
            if (part > 0)
                first.Add(take with { Points = part });
            if (take.Points - part > 0)
                rest.Add(take with { Points = take.Points - part });
            points -= part;
        }
        return (first, rest);
    }

    private IEnumerable<Lot> InConsumptionOrder(Instant at) =>
        Items
            .Where(l => l.Usable(at) > 0)
            .OrderBy(l => l.ExpiresAt ?? Instant.MaxValue)
            .ThenBy(l => l.EarnedAt)
            .ThenBy(l => l.LotId, StringComparer.Ordinal);

    /// <summary>Lots due to expire at <paramref name="at"/>: their open points that no hold protects.</summary>
    public IReadOnlyList<LotTake> Due(Instant at) =>
        Items.Where(l => l.IsExpiredAt(at) && l.Open - l.Held > 0).Select(l => l.Take(l.Open - l.Held)).ToList();

    public Lots Add(Lot lot) => lot.Points <= 0 ? this : new(Items.Add(lot));

    public long Open() => Items.Sum(l => (long)l.Open);

    /// <summary>The soonest instant an open lot expires at, if any does.</summary>
    public Instant? NextExpiry() =>
        Items.Where(l => l.Open - l.Held > 0 && l.ExpiresAt is not null).Min(l => l.ExpiresAt);

    /// <summary>Points leave their lots; a lot with nothing open left is closed.</summary>
    public Lots Remove(IEnumerable<LotTake> takes) =>
        Change(takes, (lot, points) => lot with { Open = lot.Open - points });

    /// <summary>Points go back to the lots they came from; a closed lot opens again with its original dates.</summary>
    public Lots Restore(IEnumerable<LotTake> takes) =>
        takes.Aggregate(
            this,
            (lots, take) =>
                lots.Find(take.LotId) is not null
                    ? lots.Change([take], (l, points) => l with { Open = l.Open + points })
                    : lots.Add(
                        new Lot(
                            take.LotId,
                            take.Points,
                            take.Points,
                            0,
                            take.EarnedAt,
                            take.AvailableAt,
                            take.ExpiresAt
                        )
                    )
        );

    /// <summary>
    /// What to merge to keep a member's open lots few, so that a write costs the same however many purchases they
    /// made: past twice <paramref name="keep"/> lots, every available lot that no hold touches, except the newest
    /// <paramref name="keep"/>, merges into one consolidated lot per expiry (<c>consolidated:never</c>,
    /// <c>consolidated:&lt;expiry in Unix ms&gt;</c>). Pending, held and lapsed lots stay as they are. Null when
    /// there is nothing to merge.
    /// </summary>
    public (IReadOnlyList<LotTake> Merged, IReadOnlyList<Lot> Into)? Consolidation(Instant at, int keep)
    {
        if (Items.Count <= 2 * keep)
            return null;
        var newest = Items
            .OrderByDescending(l => l.EarnedAt)
            .ThenByDescending(l => l.LotId, StringComparer.Ordinal)
            .Take(keep)
            .Select(l => l.LotId)
            .ToHashSet();
        var merging = Items.Where(l => !newest.Contains(l.LotId) && l.Held == 0 && l.IsAvailableAt(at)).ToList();
        if (merging.Count == 0)
            return null;
        var into = merging
            .GroupBy(l => l.ExpiresAt)
            .Select(group =>
            {
                var id = $"{Lot.Consolidated}:{group.Key?.ToUnixTimeMilliseconds().ToString() ?? "never"}";
                // A consolidated lot kept apart (held, or among the newest) takes the others in.
                var kept =
                    Items.Find(l => l.LotId == id && !merging.Contains(l))
                    ?? new Lot(id, 0, 0, 0, Instant.MaxValue, Instant.MinValue, group.Key);
                var points = group.Sum(l => l.Open);
                return kept with
                {
                    Points = kept.Points + points,
                    Open = kept.Open + points,
                    EarnedAt = Instant.Min(kept.EarnedAt, group.Min(l => l.EarnedAt)),
                    AvailableAt = Instant.Max(kept.AvailableAt, group.Max(l => l.AvailableAt)),
                };
            });
        return (merging.Select(l => l.Take(l.Open)).ToList(), into.ToList());
    }

    /// <summary>The merged lots leave; each consolidated lot takes the place of the one of its id, if any.</summary>
    public Lots Consolidate(IEnumerable<LotTake> merged, IEnumerable<Lot> into) =>
        into.Aggregate(
            Remove(merged),
            (lots, lot) => new(lots.Find(lot.LotId) is { } old ? lots.Items.Replace(old, lot) : lots.Items.Add(lot))
        );

    public Lots Hold(IEnumerable<LotTake> takes) =>
        Change(takes, (lot, points) => lot with { Held = lot.Held + points });

    public Lots Unhold(IEnumerable<LotTake> takes) =>
        Change(takes, (lot, points) => lot with { Held = lot.Held - points });

    /// <summary>Activity-based expiry: every open lot now expires at <paramref name="expiresAt"/>, if given.</summary>
    public Lots ExpiringAt(Instant? expiresAt) =>
        expiresAt is { } at ? new(Items.Select(l => l with { ExpiresAt = at }).ToImmutableList()) : this;

    private Lots Change(IEnumerable<LotTake> takes, Func<Lot, int, Lot> change)
    {
        var items = Items;
        foreach (var take in takes)
        {
            var index = items.FindIndex(l => l.LotId == take.LotId);
            if (index < 0)
                throw new UnknownLot(take.LotId);
            var changed = change(items[index], take.Points);
            items = changed.Open <= 0 && changed.Held <= 0 ? items.RemoveAt(index) : items.SetItem(index, changed);
        }
        return new Lots(items);
    }
}

/// <summary>
/// An event names a lot the member does not have: the stream and the fold disagree, which must never pass unseen.
/// </summary>
public sealed class UnknownLot(string lotId) : InvalidOperationException($"no open lot {lotId} to change");
