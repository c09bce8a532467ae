using System.Collections.Immutable;
using Loyalty.Domain.Automations;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points.Frozen;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// A member's account as their stream leaves it: whether they can earn, their balance and open lots, the tier they
/// earned or were given and their paid membership. What a single purchase, redemption or hold needs beyond that is
/// kept with it (<see cref="PurchaseState"/>, <see cref="RedemptionState"/>, <see cref="HoldState"/>).
/// <see cref="ConsolidationRecorded"/>: consolidation comes as events; without it (members enrolled before), the
/// fold consolidates by <see cref="FrozenFoldRules"/>.
/// </summary>
public sealed record PointsAccount(
    Guid MemberId,
    bool Enrolled,
    bool Closed,
    Balance Balance,
    Lots Lots,
    TierStanding? Standing = null,
    Membership? Membership = null,
    bool ConsolidationRecorded = false,
    Instant EnrolledAt = default,
    int Purchases = 0,
    ImmutableDictionary<string, CampaignUse>? Campaigns = null,
    ImmutableDictionary<Guid, ReferralCredit>? Referrals = null,
    Instant? LastPurchaseAt = null,
    string? Stage = null,
    string? Segment = null,
    LocalDate? StageSince = null,
    LocalDate? SegmentSince = null,
    ImmutableDictionary<string, Instant>? Fired = null,
    ImmutableDictionary<string, Instant>? Tags = null
)
{
    public TierStanding Tier => Standing ?? TierStanding.None;

    /// <summary>What the member has had from campaign <paramref name="code"/>, for its limits.</summary>
    public CampaignUse CampaignUse(string code) =>
        Campaigns?.GetValueOrDefault(code) ?? Domain.Campaigns.CampaignUse.None;

    /// <summary>The reward a referral gave the member and still holds, if any.</summary>
    public ReferralCredit? Referral(Guid referralId) => Referrals?.GetValueOrDefault(referralId);

    /// <summary>When each referral the member made was rewarded (not clawed back): for the referrer's caps.</summary>
    public IReadOnlyList<Instant> ReferrerRewards =>
        Referrals?.Values.Where(r => r.Role == ReferralRole.Referrer).Select(r => r.At).ToList() ?? [];

    /// <summary>Whether automation <paramref name="automation"/> fired for <paramref name="occurrence"/>.</summary>
    public bool HasFired(string automation, string occurrence) =>
        Fired?.ContainsKey(AutomationFired.KeyOf(automation, occurrence)) == true;

    public static PointsAccount Initial(Guid memberId) => new(memberId, false, false, Balance.Zero, Lots.None);

    /// <summary>
    /// What the member may spend at <paramref name="at"/>: usable points of available, unexpired lots.
    /// </summary>
    public long AvailableAt(Instant at) => Lots.Available(at);

    /// <summary>
    /// One case per event, each with its whole change. The balance moves by <see cref="Movement.Of"/>, the
    /// arithmetic the ledger shares. Events stored before lots existed name no lots: what they took is taken again
    /// by the frozen rule of their time.
    /// </summary>
    public static PointsAccount Evolve(PointsAccount account, IMemberEvent @event)
    {
        var (lots, balance, tier) = (account.Lots, account.Balance.After(@event), account.Tier);
        var next = @event switch
        {
            MemberEnrolled e => account with
            {
                Enrolled = true,
                ConsolidationRecorded = e.ConsolidationRecorded == true,
                EnrolledAt = e.At,
            },
            MemberProfileUpdated => account,
            MemberClosed => account with { Closed = true },
            PointsEarned e => account with
            {
                Balance = balance,
                Lots = lots.ExpiringAt(e.OpenLotsExpireAt)
                    .Add(
                        Lot.Credit(
                            LotSource.Of(e),
                            e.Points - e.DeficitSettled,
                            e.At,
                            e.AvailableAt ?? e.At,
                            e.ExpiresAt ?? e.OpenLotsExpireAt
                        )
                    ),
                Standing = tier.Counting(QualifyingActivity.Of(e), e.At),
                Purchases = account.Purchases + 1,
                LastPurchaseAt = account.LastPurchaseAt > e.At ? account.LastPurchaseAt : e.At,
            },
            PointsReversed e => account with
            {
                Balance = balance,
                Lots = lots.Remove(e.Taken ?? FrozenFoldRules.TakenBeforeLots(lots, e.TakenFromBalance, e.At)),
                Standing = e.Qualifying is { } q ? tier.Counting(q, e.At) : tier,
            },
            PointsRedeemed e => account with
            {
                Balance = balance,
                Lots = lots.Remove(e.Taken ?? FrozenFoldRules.TakenBeforeLots(lots, e.Points, e.At))
                    .ExpiringAt(e.OpenLotsExpireAt),
            },
            RedemptionCancelled { Restored: { } restored } => account with
            {
                Balance = balance,
                Lots = lots.Restore(restored),
            },
            RedemptionCancelled e => account with
            {
                Balance = balance,
                Lots = lots.Add(
                    Lot.Credit(
                        new LotSource("redemption", e.RedemptionId),
                        e.Points - e.DeficitSettled,
                        e.At,
                        e.At,
                        null
                    )
                ),
            },
            PointsAdjusted { Points: > 0 } e => account with
            {
                Balance = balance,
                Lots = lots.Add(Lot.Credit(LotSource.Of(e), e.Points - e.DeficitSettled, e.At, e.At, e.ExpiresAt)),
                Standing = e.Qualifying ? tier.Counting(QualifyingActivity.Of(e), e.At) : tier,
            },
            PointsAdjusted e => account with
            {
                Balance = balance,
                Lots = lots.Remove(e.Taken ?? FrozenFoldRules.TakenBeforeLots(lots, -e.Points, e.At)),
            },
            MembershipBonusEarned e => account with
            {
                Balance = balance,
                Lots = lots.Add(Lot.Credit(LotSource.Of(e), e.Points - e.DeficitSettled, e.At, e.At, e.ExpiresAt)),
            },
            CampaignPointsEarned e => account with
            {
                Balance = balance,
                Lots = e.Awards.Aggregate(
                    lots,
                    (l, a) =>
                        l.Add(
                            Lot.Credit(
                                a.LotFor(e.Reference),
                                a.Points - a.DeficitSettled,
                                e.At,
                                a.AvailableAt,
                                a.ExpiresAt
                            )
                        )
                ),
                Standing = TierStanding.Evolve(tier, e),
                Campaigns = Uses(account, e),
            },
            CampaignPointsReversed e => account with
            {
                Balance = balance,
                Lots = lots.Remove([.. e.Reversals.SelectMany(r => r.Taken)]),
                Standing = TierStanding.Evolve(tier, e),
                Campaigns = Uses(account, e),
            },
            ReferralPointsEarned e => account with
            {
                Balance = balance,
                Lots = lots.Add(Lot.Credit(e.Lot, e.Points - e.DeficitSettled, e.At, e.At, e.ExpiresAt)),
                Standing = TierStanding.Evolve(tier, e),
                Referrals = (account.Referrals ?? ImmutableDictionary<Guid, ReferralCredit>.Empty).SetItem(
                    e.ReferralId,
                    new(e.Role, e.Points, e.Qualifying, e.At)
                ),
            },
            ReferralPointsClawedBack e => account with
            {
                Balance = balance,
                Lots = lots.Remove(e.Taken),
                Standing = TierStanding.Evolve(tier, e),
                Referrals = account.Referrals?.Remove(e.ReferralId),
            },
            PointsExpired e => account with { Balance = balance, Lots = lots.Remove(e.Lots) },
            PointsHeld e => account with { Balance = balance, Lots = lots.Hold(e.Taken) },
            HoldCaptured e => account with
            {
                Balance = balance,
                Lots = lots.Unhold(e.Captured).Remove(e.Captured).Unhold(e.Released).ExpiringAt(e.OpenLotsExpireAt),
            },
            HoldReleased e => account with { Balance = balance, Lots = lots.Unhold(e.Released) },
            LotsConsolidated e => account with { Lots = lots.Consolidate(e.Merged, e.Into) },
            MemberStageChanged e => account with { Stage = e.To, StageSince = e.Since },
            MemberSegmentChanged e => account with { Segment = e.To, SegmentSince = e.ScoredOn },
            AutomationFired e => account with
            {
                Fired = (account.Fired ?? ImmutableDictionary<string, Instant>.Empty).SetItem(
                    AutomationFired.KeyOf(e.Automation, e.Occurrence),
                    e.At
                ),
                Tags = e.Tags.Aggregate(
                    account.Tags ?? ImmutableDictionary<string, Instant>.Empty,
                    (tags, tag) => tags.ContainsKey(tag) ? tags : tags.Add(tag, e.At)
                ),
            },
            ITierEvent => account with { Standing = TierStanding.Evolve(tier, @event) },
            IMembershipEvent => account with { Membership = Membership.Evolve(account.Membership, @event) },
            _ => account,
        };
        return next.ConsolidationRecorded || MovedAt(@event) is not { } at
            ? next
            : next with
            {
                Lots = FrozenFoldRules.ConsolidatedInFold(next.Lots, at),
            };
    }

    /// <summary>
    /// When a points event happened: the moment the fold consolidated at, for members enrolled before.
    /// </summary>
    public static Instant? MovedAt(IMemberEvent @event) =>
        @event switch
        {
            PointsEarned e => e.At,
            PointsReversed e => e.At,
            PointsRedeemed e => e.At,
            RedemptionCancelled e => e.At,
            PointsAdjusted e => e.At,
            PointsExpired e => e.At,
            PointsHeld e => e.At,
            MembershipBonusEarned e => e.At,
            CampaignPointsEarned e => e.At,
            CampaignPointsReversed e => e.At,
            ReferralPointsEarned e => e.At,
            ReferralPointsClawedBack e => e.At,
            HoldCaptured e => e.At,
            HoldReleased e => e.At,
            _ => null,
        };

    private static ImmutableDictionary<string, CampaignUse> Uses(PointsAccount account, IMemberEvent @event) =>
        Domain.Campaigns.CampaignUse.Evolve(
            account.Campaigns ?? ImmutableDictionary<string, CampaignUse>.Empty,
            @event
        );
}
