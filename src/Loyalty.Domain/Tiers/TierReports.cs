using Loyalty.Domain.Memberships;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Tiers;

/// <summary>A member's standing as the program-wide views read it.</summary>
public sealed record StandingRow(TierStanding? Standing, Membership? Membership);

public sealed record TierCount(string? Tier, int Members);

/// <summary>
/// What new tier rules would do if they applied now: members whose metric reaches a higher tier move up at once
/// (<see cref="WouldUpgrade"/>); members short of the tier they earned keep it until their review, then drop
/// (<see cref="WouldDropAtReview"/>). <see cref="Now"/> and <see cref="Proposed"/> count members by the tier they hold.
/// </summary>
public sealed record TierPreview(
    int Members,
    int WouldUpgrade,
    int WouldDropAtReview,
    int Unchanged,
    IReadOnlyList<TierCount> Now,
    IReadOnlyList<TierCount> Proposed
)
{
    public static TierPreview Of(IEnumerable<StandingRow> rows, ProgramSettings program, TierRules proposed, Instant at)
    {
        var (zone, current) = (program.Zone(), program.TiersAt(at)?.Rules);
        var (members, up, drop) = (0, 0, 0);
        var (before, after) = (new Dictionary<string, int>(), new Dictionary<string, int>());
        foreach (var row in rows)
        {
            members++;
            var standing = row.Standing ?? TierStanding.None;
            var held = current is null ? null : TierHeld.At(standing, row.Membership, current, at).Tier?.Code;
            var qualified = proposed.QualifiedFor(standing.Metric(proposed, zone, at));
            var earned = proposed.Find(standing.Earned) ?? proposed.Base();
            if (proposed.Rank(qualified?.Code) > proposed.Rank(earned?.Code))
                (earned, up) = (qualified, up + 1);
            else if (proposed.Rank(qualified?.Code) < proposed.Rank(earned?.Code))
                drop++;
            var proposedHeld = TierHeld
                .At(standing with { Earned = earned?.Code }, row.Membership, proposed, at)
                .Tier?.Code;
            Count(before, held);
            Count(after, proposedHeld);
        }
        return new(members, up, drop, members - up - drop, Counts(before, proposed), Counts(after, proposed));
    }

    public static IReadOnlyList<TierCount> HeldNow(IEnumerable<StandingRow> rows, ProgramSettings program, Instant at)
    {
        var counts = new Dictionary<string, int>();
        var rules = program.TiersAt(at)?.Rules;
        foreach (var row in rows)
            Count(
                counts,
                rules is null
                    ? null
                    : TierHeld.At(row.Standing ?? TierStanding.None, row.Membership, rules, at).Tier?.Code
            );
        return Counts(counts, rules);
    }

    private static void Count(Dictionary<string, int> counts, string? tier) =>
        counts[tier ?? ""] = counts.GetValueOrDefault(tier ?? "") + 1;

    /// <summary>
    /// Every tier of the rules, lowest first (with 0 members where none hold it), and members with no tier as
    /// <c>null</c>.
    /// </summary>
    private static IReadOnlyList<TierCount> Counts(Dictionary<string, int> counts, TierRules? rules) =>
        [
            .. counts.TryGetValue("", out var none) ? [new TierCount(null, none)] : Array.Empty<TierCount>(),
            .. (rules?.Tiers ?? []).Select(t => new TierCount(t.Code, counts.GetValueOrDefault(t.Code))),
        ];
}
