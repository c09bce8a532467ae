using JasperFx.Events;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Marten;
using Marten.Events.Projections;
using NodaTime;

namespace Loyalty.Projections.Ledger;

/// <summary>Where a movement came from: the calling system's own reference.</summary>
public sealed record SourceReference(string Kind, string? Source, string Id);

/// <summary>
/// One movement of a member's points as stored: its signed effect on the available points and on the
/// deficit, with where it came from. The balance after it is not stored (events carry no running balance
/// either): a ledger page works it out backwards from the member's current balance.
/// </summary>
public sealed record LedgerEntry(
    string Id,
    Guid MemberId,
    long Version,
    string Type,
    long Points,
    long DeficitChange,
    SourceReference Reference,
    int? RuleVersion,
    string? Reason,
    Actor By,
    Instant At,
    Instant RecordedAt)
{
    public static string IdFor(Guid memberId, long version) => $"{memberId:N}/{version}";
}

/// <summary>A ledger entry with the balance after it, as a page shows it.</summary>
public sealed record LedgerLine(
    long Version, string Type, long Points, long DeficitChange, long BalanceAfter, long DeficitAfter,
    SourceReference Reference, int? RuleVersion, string? Reason, Actor By, Instant At, Instant RecordedAt);

/// <summary>Inline: the ledger is current the moment a write answers, and reads cost the same however long it is.</summary>
public sealed partial class LedgerEntryProjection : EventProjection
{
    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is IMemberEvent @event && MemberLedger.EntryFor(@event, e.Version) is { } entry) operations.Store(entry);
        return ValueTask.CompletedTask;
    }
}

public static class MemberLedger
{
    public static LedgerEntry? EntryFor(IMemberEvent @event, long version)
    {
        if (Movement.Of(@event) is not { } movement) return null;
        var (type, reference, ruleVersion, reason, by, at, recordedAt) = @event switch
        {
            PointsEarned e => ("earned", new SourceReference("purchase", e.Source, e.TransactionId), (int?)e.RuleVersion, (string?)null, e.By, e.At, e.RecordedAt),
            PointsReversed e => ("reversed", new("return", e.Source, $"{e.TransactionId}/{e.ReturnId}"), null, null, e.By, e.At, e.RecordedAt),
            PointsRedeemed e => ("redeemed", new("redemption", e.Channel, e.RedemptionId), null, e.Reward, e.By, e.At, e.At),
            RedemptionCancelled e => ("redemption-cancelled", new("redemption", null, e.RedemptionId), null, e.Reason, e.By, e.At, e.At),
            PointsAdjusted e => ("adjusted", new("adjustment", null, e.AdjustmentId), null, e.Reason, e.By, e.At, e.At),
            _ => throw new InvalidOperationException($"{@event.GetType().Name} moves points but has no ledger entry")
        };
        return new LedgerEntry(LedgerEntry.IdFor(@event.MemberId, version), @event.MemberId, version, type,
            movement.Available, movement.Deficit, reference, ruleVersion, reason, by, at, recordedAt);
    }

    /// <summary>
    /// Entries newest first, each with the balance after it, worked backwards from the balance after the
    /// newest of them.
    /// </summary>
    public static IReadOnlyList<LedgerLine> WithBalances(IEnumerable<LedgerEntry> newestFirst, long availableAfter, long deficitAfter)
    {
        var lines = new List<LedgerLine>();
        foreach (var e in newestFirst)
        {
            lines.Add(new LedgerLine(e.Version, e.Type, e.Points, e.DeficitChange, availableAfter, deficitAfter,
                e.Reference, e.RuleVersion, e.Reason, e.By, e.At, e.RecordedAt));
            availableAfter -= e.Points;
            deficitAfter -= e.DeficitChange;
        }
        return lines;
    }
}
