using Loyalty.Domain.Common;
using Loyalty.Domain.Members;

namespace Loyalty.Domain.Points;

/// <summary>
/// Keeps a member's open lots few, so that a write costs the same however many purchases they made: decided after
/// each write on the lots it leaves, and recorded as <see cref="LotsConsolidated"/>, so that folding a stream never
/// depends on this rule (which may change).
/// </summary>
public static class ConsolidateLots
{
    /// <summary>How many recent lots stay apart (see <see cref="Lots.Consolidation"/>).</summary>
    public const int SeparateLots = 100;

    public static readonly Actor Housekeeping = Actor.System("lot-consolidation");

    /// <summary>
    /// The events of <paramref name="decided"/>, then the consolidation of the lots they leave, if due.
    /// </summary>
    public static IReadOnlyList<IMemberEvent> Following(PointsAccount account, IReadOnlyList<IMemberEvent> decided)
    {
        if (!account.ConsolidationRecorded)
            return decided;
        if (decided.Select(PointsAccount.MovedAt).LastOrDefault(at => at is not null) is not { } at)
            return decided;
        var after = decided.Aggregate(account, PointsAccount.Evolve);
        return after.Lots.Consolidation(at, SeparateLots) is { } merge
            ? [.. decided, new LotsConsolidated(account.MemberId, merge.Merged, merge.Into, at, Housekeeping)]
            : decided;
    }
}
