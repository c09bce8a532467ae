using System.Collections.Immutable;
using JasperFx.Events;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Tiers;
using Loyalty.Projections.Common;
using Loyalty.Projections.Finance;
using Marten;
using Marten.Events.Aggregation;
using NodaTime;

namespace Loyalty.Projections.Balances;

/// <summary>
/// A member's points as their app shows them, and as the next points write decides on: the account (balance and
/// open lots) and the stream version it reflects. <see cref="NextExpiry"/> (Unix milliseconds, indexed) is when
/// the expiry job next has something to do for this member; <see cref="NextStandingCheck"/> (indexed too) when the
/// standing job next has a tier review, the end of a grace or the end of a membership to record.
/// </summary>
public sealed record MemberBalance(
    Guid Id,
    Balance Balance,
    long Version,
    bool Enrolled = false,
    bool Closed = false,
    Lots? Lots = null,
    long? NextExpiry = null,
    TierStanding? Standing = null,
    Membership? Membership = null,
    long? NextStandingCheck = null,
    bool ConsolidationRecorded = false,
    Instant? EnrolledAt = null,
    int Purchases = 0,
    ImmutableDictionary<string, CampaignUse>? Campaigns = null,
    ImmutableDictionary<Guid, ReferralCredit>? Referrals = null,
    Instant? LastPurchaseAt = null,
    string? Stage = null,
    string? Segment = null,
    PointsFlow? Flow = null,
    LocalDate? StageSince = null,
    LocalDate? SegmentSince = null,
    ImmutableDictionary<string, Instant>? Fired = null,
    ImmutableDictionary<string, Instant>? Tags = null
)
{
    // Columns: the insight job reads every member's few facts without their documents, and lists filter on them.
    public long? EnrolledAtUnixMilliseconds { get; init; } = EnrolledAt?.ToUnixTimeMilliseconds();

    public long? LastPurchaseUnixMilliseconds { get; init; } = LastPurchaseAt?.ToUnixTimeMilliseconds();

    public string? EarnedTier { get; init; } = Standing?.Earned;

    public PointsAccount ToAccount() =>
        new(
            Id,
            Enrolled,
            Closed,
            Balance,
            Lots ?? Lots.None,
            Standing,
            Membership,
            ConsolidationRecorded,
            EnrolledAt ?? default,
            Purchases,
            Campaigns,
            Referrals,
            LastPurchaseAt,
            Stage,
            Segment,
            StageSince,
            SegmentSince,
            Fired,
            Tags
        );

    public static MemberBalance Of(PointsAccount account, long version) =>
        new(
            account.MemberId,
            account.Balance,
            version,
            account.Enrolled,
            account.Closed,
            account.Lots,
            account.Lots.NextExpiry()?.ToUnixTimeMilliseconds(),
            account.Standing,
            account.Membership,
            new[] { account.Tier.NextCheck(), account.Membership?.NextCheck() }.Min()?.ToUnixTimeMilliseconds(),
            account.ConsolidationRecorded,
            account.Enrolled ? account.EnrolledAt : null,
            account.Purchases,
            account.Campaigns,
            account.Referrals,
            account.LastPurchaseAt,
            account.Stage,
            account.Segment,
            null,
            account.StageSince,
            account.SegmentSince,
            account.Fired,
            account.Tags
        );
}

/// <summary>Inline: committed with the events that change it, so it is current the moment a write answers.</summary>
public sealed class MemberBalanceProjection : SingleStreamProjection<MemberBalance, Guid>
{
    public MemberBalanceProjection()
    {
        foreach (var type in DomainEvents.Implementing<IMemberEvent>())
            IncludeType(type);
    }

    public override MemberBalance? Evolve(MemberBalance? snapshot, Guid id, IEvent e)
    {
        if (e.Data is not IMemberEvent @event)
            return snapshot;
        return MemberBalance.Of(
            PointsAccount.Evolve(snapshot?.ToAccount() ?? PointsAccount.Initial(id), @event),
            e.Version
        ) with
        {
            Flow = (snapshot?.Flow ?? PointsFlow.None).Plus(PointsFlow.Of(@event)),
        };
    }

    public override ValueTask RaiseSideEffects(IDocumentOperations operations, IEventSlice<MemberBalance> slice)
    {
        if (slice.Snapshot is { } balance && !slice.Events().All(e => LiabilityLots.LeavesRowsAlone(e.Data)))
            LiabilityLots.Keep(operations, balance);
        return ValueTask.CompletedTask;
    }
}
