using JasperFx.Events;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using Marten;
using Marten.Events.Projections;
using NodaTime;

namespace Loyalty.Projections.Ledger;

/// <summary>Points a movement took from, put into or created in one lot (the lot's dates are in its event).</summary>
public sealed record LotPoints(string LotId, int Points);

/// <summary>Where a movement came from: the calling system's own reference.</summary>
public sealed record SourceReference(string Kind, string? Source, string Id);

/// <summary>
/// One movement of a member's points as stored: its signed effect on the outstanding points (those in open lots),
/// on the held points among them and on the deficit, with where it came from and the lots it touched. The balance
/// after it is not stored (events carry no running balance either): a ledger page works it out backwards from the
/// member's current balance.
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
    Instant RecordedAt,
    long HeldChange = 0,
    IReadOnlyList<LotPoints>? Lots = null,
    Money? Value = null
)
{
    public static string IdFor(Guid memberId, long version) => $"{memberId:N}/{version}";

    /// <summary>When the service learnt of it (Unix milliseconds, a column): the roll-forward's time.</summary>
    public long KnownAtUnixMilliseconds { get; init; }

    /// <summary>The campaigns and their versions that gave or took the points, for campaign entries.</summary>
    public string? Campaigns { get; init; }
}

/// <summary>A ledger entry with the balance after it, as a page shows it.</summary>
/// <param name="Version">The member's stream version of the entry: entries are in this order.</param>
/// <param name="Type">
/// What happened: earned, reversed, redeemed, adjusted, expired, held, captured, released, …
/// </param>
/// <param name="Points">The change to the member's outstanding points (negative when taken).</param>
/// <param name="BalanceAfter">Outstanding points after the entry.</param>
/// <param name="Reference">The source transaction, redemption, hold or adjustment the entry came from.</param>
/// <param name="RuleVersion">The program's rule version that priced it, for earnings.</param>
/// <param name="Reason">The reason given, for adjustments, closures and cancellations.</param>
/// <param name="By">Who did it: the key, staff user or member, or the service's own job.</param>
/// <param name="At">When it happened in business terms (a purchase's <c>occurredAt</c>).</param>
/// <param name="RecordedAt">When the service recorded it.</param>
/// <param name="Lots">The lots it touched, and by how many points.</param>
public sealed record LedgerLine(
    long Version,
    string Type,
    long Points,
    long DeficitChange,
    long HeldChange,
    long BalanceAfter,
    long DeficitAfter,
    long HeldAfter,
    SourceReference Reference,
    int? RuleVersion,
    string? Reason,
    Actor By,
    Instant At,
    Instant RecordedAt,
    IReadOnlyList<LotPoints>? Lots,
    Money? Value
);

/// <summary>
/// Inline: the ledger is current the moment a write answers, and reads cost the same however long it is.
/// </summary>
public sealed partial class LedgerEntryProjection : EventProjection
{
    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is IMemberEvent @event && MemberLedger.EntryFor(@event, e.Version) is { } entry)
            operations.Store(entry);
        return ValueTask.CompletedTask;
    }
}

public static class MemberLedger
{
    public static LedgerEntry? EntryFor(IMemberEvent @event, long version)
    {
        if (Movement.Of(@event) is not { } movement)
            return null;
        var (type, reference, ruleVersion, reason, by, at, recordedAt, lots, value) = @event switch
        {
            PointsEarned e => (
                "earned",
                new SourceReference("purchase", e.Source, e.TransactionId),
                (int?)e.RuleVersion,
                (string?)null,
                e.By,
                e.At,
                e.RecordedAt,
                EarnedLot(e),
                (Money?)null
            ),
            PointsReversed e => (
                "reversed",
                new("return", e.Source, $"{e.TransactionId}/{e.ReturnId}"),
                null,
                null,
                e.By,
                e.At,
                e.RecordedAt,
                e.Taken,
                null
            ),
            PointsRedeemed e => (
                "redeemed",
                new("redemption", e.Channel, e.RedemptionId),
                null,
                e.Reward,
                e.By,
                e.At,
                e.At,
                e.Taken,
                e.Value
            ),
            RedemptionCancelled e => (
                "redemption-cancelled",
                new("redemption", null, e.RedemptionId),
                null,
                e.Reason,
                e.By,
                e.At,
                e.At,
                e.Restored?.Concat(e.ExpiredAtOnce ?? []).ToList(),
                null
            ),
            PointsAdjusted e => (
                "adjusted",
                new("adjustment", null, e.AdjustmentId),
                null,
                e.Reason,
                e.By,
                e.At,
                e.At,
                e.Taken,
                null
            ),
            MembershipBonusEarned e => (
                "membership-bonus",
                new("membership", e.Plan, e.PaymentReference),
                null,
                null,
                e.By,
                e.At,
                e.At,
                BonusLot(e),
                null
            ),
            CampaignPointsEarned e => (
                "campaign",
                new SourceReference("campaign", null, e.Reference),
                null,
                string.Join("; ", e.Awards.Select(a => a.Explanation)),
                e.By,
                e.At,
                e.RecordedAt,
                e.Awards.SelectMany(a =>
                        CreditLot(a.LotFor(e.Reference), a.Points - a.DeficitSettled, e.At, a.AvailableAt, a.ExpiresAt)
                        ?? []
                    )
                    .ToList(),
                null
            ),
            CampaignPointsReversed e => (
                "campaign-reversed",
                new("return", null, $"{e.Reference}/{e.ReturnId}"),
                null,
                string.Join(
                    "; ",
                    e.Reversals.Select(r =>
                        $"{r.Campaign} v{r.Version}: -{r.Points}{(r.Withdrawn ? ", withdrawn" : "")}"
                    )
                ),
                e.By,
                e.At,
                e.RecordedAt,
                e.Reversals.SelectMany(r => r.Taken).ToList(),
                null
            ),
            ReferralPointsEarned e => (
                "referral",
                new SourceReference("referral", e.Role, $"{e.ReferralId}"),
                (int?)e.RulesVersion,
                (string?)null,
                e.By,
                e.At,
                e.At,
                CreditLot(e.Lot, e.Points - e.DeficitSettled, e.At, e.At, e.ExpiresAt),
                (Money?)null
            ),
            ReferralPointsClawedBack e => (
                "referral-clawed-back",
                new("referral", e.Role, $"{e.ReferralId}"),
                null,
                e.Reason,
                e.By,
                e.At,
                e.At,
                e.Taken,
                null
            ),
            PointsExpired e => (
                "expired",
                new("expiry", null, $"{e.At.ToUnixTimeMilliseconds()}"),
                null,
                null,
                e.By,
                e.At,
                e.At,
                e.Lots,
                null
            ),
            PointsHeld e => (
                "held",
                new("hold", null, e.HoldId),
                null,
                e.OrderReference,
                e.By,
                e.At,
                e.At,
                e.Taken,
                e.Value
            ),
            HoldCaptured e => (
                "hold-captured",
                new("hold", null, e.HoldId),
                null,
                e.OrderReference,
                e.By,
                e.At,
                e.At,
                e.Captured,
                e.Value
            ),
            HoldReleased e => (
                "hold-released",
                new("hold", null, e.HoldId),
                null,
                e.Reason,
                e.By,
                e.At,
                e.At,
                e.Released,
                null
            ),
            _ => throw new InvalidOperationException($"{@event.GetType().Name} moves points but has no ledger entry"),
        };
        return new LedgerEntry(
            LedgerEntry.IdFor(@event.MemberId, version),
            @event.MemberId,
            version,
            type,
            movement.Outstanding,
            movement.Deficit,
            reference,
            ruleVersion,
            reason,
            by,
            at,
            recordedAt,
            movement.Held,
            lots?.Select(t => new LotPoints(t.LotId, t.Points)).ToList(),
            value
        )
        {
            KnownAtUnixMilliseconds = MemberHistory.KnownAt(@event).ToUnixTimeMilliseconds(),
            Campaigns = @event switch
            {
                CampaignPointsEarned e => Versions(e.Awards.Select(a => (a.Campaign, a.Version))),
                CampaignPointsReversed e => Versions(e.Reversals.Select(r => (r.Campaign, r.Version))),
                _ => null,
            },
        };
    }

    private static string Versions(IEnumerable<(string Campaign, int Version)> versions) =>
        string.Join("; ", versions.Distinct().Select(v => $"{v.Campaign} v{v.Version}"));

    private static IReadOnlyList<LotTake>? EarnedLot(PointsEarned e) =>
        CreditLot(
            LotSource.Of(e),
            e.Points - e.DeficitSettled,
            e.At,
            e.AvailableAt ?? e.At,
            e.ExpiresAt ?? e.OpenLotsExpireAt
        );

    private static IReadOnlyList<LotTake>? BonusLot(MembershipBonusEarned e) =>
        CreditLot(LotSource.Of(e), e.Points - e.DeficitSettled, e.At, e.At, e.ExpiresAt);

    /// <summary>The lot a credit made with what was left after the deficit it settled, if anything was.</summary>
    private static IReadOnlyList<LotTake>? CreditLot(
        LotSource source,
        int points,
        Instant earnedAt,
        Instant availableAt,
        Instant? expiresAt
    ) => points > 0 ? [new LotTake(Lot.IdFor(source), points, earnedAt, availableAt, expiresAt)] : null;

    /// <summary>
    /// Entries newest first, each with the balance after it, worked backwards from the balance after the
    /// newest of them.
    /// </summary>
    public static IReadOnlyList<LedgerLine> WithBalances(IEnumerable<LedgerEntry> newestFirst, Balance after)
    {
        var lines = new List<LedgerLine>();
        var (outstanding, deficit, held) = (after.Outstanding, after.Deficit, after.Held);
        foreach (var e in newestFirst)
        {
            lines.Add(
                new LedgerLine(
                    e.Version,
                    e.Type,
                    e.Points,
                    e.DeficitChange,
                    e.HeldChange,
                    outstanding,
                    deficit,
                    held,
                    e.Reference,
                    e.RuleVersion,
                    e.Reason,
                    e.By,
                    e.At,
                    e.RecordedAt,
                    e.Lots,
                    e.Value
                )
            );
            outstanding -= e.Points;
            deficit -= e.DeficitChange;
            held -= e.HeldChange;
        }
        return lines;
    }
}
