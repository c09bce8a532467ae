using JasperFx.Events;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using NodaTime;

namespace Loyalty.Projections.Ledger;

/// <summary>Where a movement came from: the calling system's own reference.</summary>
public sealed record SourceReference(string Kind, string? Source, string Id);

/// <summary>
/// One movement of a member's points: its signed effect on the available points, what it did to the
/// deficit, and the balance after it.
/// </summary>
public sealed record LedgerEntry(
    long Version,
    string Type,
    long Points,
    long DeficitChange,
    long BalanceAfter,
    long DeficitAfter,
    SourceReference Reference,
    int? RuleVersion,
    string? Reason,
    Actor By,
    Instant At,
    Instant RecordedAt);

/// <summary>
/// The ledger is a fold of the member's stream through the same <see cref="Balance"/> arithmetic as the
/// balance itself, so both always agree.
/// </summary>
public static class MemberLedger
{
    public static IReadOnlyList<LedgerEntry> Fold(IEnumerable<IEvent> stream)
    {
        var entries = new List<LedgerEntry>();
        var balance = Balance.Zero;
        foreach (var e in stream)
        {
            if (e.Data is not IMemberEvent @event) continue;
            var after = balance.After(@event);
            if (Describe(@event) is var (type, reference, ruleVersion, reason, by, at) && type is not null)
                entries.Add(new LedgerEntry(e.Version, type, after.Available - balance.Available, after.Deficit - balance.Deficit,
                    after.Available, after.Deficit, reference!, ruleVersion, reason, by!, at, RecordedAt(@event, e)));
            balance = after;
        }
        return entries;
    }

    private static Instant RecordedAt(IMemberEvent @event, IEvent e) => @event switch
    {
        PointsEarned x => x.RecordedAt,
        PointsReversed x => x.RecordedAt,
        _ => Instant.FromDateTimeOffset(e.Timestamp)
    };

    private static (string? Type, SourceReference? Reference, int? RuleVersion, string? Reason, Actor? By, Instant At) Describe(IMemberEvent @event) =>
        @event switch
        {
            PointsEarned e => ("earned", new("purchase", e.Source, e.TransactionId), e.RuleVersion, null, e.By, e.At),
            PointsReversed e => ("reversed", new("return", e.Source, $"{e.TransactionId}/{e.ReturnId}"), null, null, e.By, e.At),
            PointsRedeemed e => ("redeemed", new("redemption", e.Channel, e.RedemptionId), null, e.Reward, e.By, e.At),
            RedemptionCancelled e => ("redemption-cancelled", new("redemption", null, e.RedemptionId), null, e.Reason, e.By, e.At),
            PointsAdjusted e => ("adjusted", new("adjustment", null, e.AdjustmentId), null, e.Reason, e.By, e.At),
            _ => (null, null, null, null, null, default)
        };
}
