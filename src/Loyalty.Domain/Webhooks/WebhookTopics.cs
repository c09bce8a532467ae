using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Tiers;

namespace Loyalty.Domain.Webhooks;

/// <summary>The kinds of event a webhook can subscribe to, and which member events each covers.</summary>
public static class WebhookTopics
{
    public const string PointsEarned = "points.earned";
    public const string PointsRedeemed = "points.redeemed";
    public const string PointsExpired = "points.expired";
    public const string PointsReversed = "points.reversed";
    public const string HoldCaptured = "hold.captured";
    public const string HoldReleased = "hold.released";
    public const string TierChanged = "tier.changed";
    public const string MembershipPurchased = "membership.purchased";
    public const string MembershipRenewed = "membership.renewed";
    public const string MembershipPaymentFailed = "membership.payment_failed";
    public const string MembershipCancelled = "membership.cancelled";
    public const string MembershipEnded = "membership.ended";
    public const string StageChanged = "member.stage_changed";
    public const string SegmentChanged = "member.segment_changed";
    public const string ReferralRewarded = "referral.rewarded";
    public const string AutomationFired = "automation.fired";

    public static readonly IReadOnlyList<string> All =
    [
        PointsEarned,
        PointsRedeemed,
        PointsExpired,
        PointsReversed,
        HoldCaptured,
        HoldReleased,
        TierChanged,
        MembershipPurchased,
        MembershipRenewed,
        MembershipPaymentFailed,
        MembershipCancelled,
        MembershipEnded,
        StageChanged,
        SegmentChanged,
        ReferralRewarded,
        AutomationFired,
    ];

    /// <summary>The topic of a member event; null: no webhook is told of it.</summary>
    public static string? Of(object @event) =>
        @event switch
        {
            Points.PointsEarned or CampaignPointsEarned or MembershipBonusEarned => PointsEarned,
            PointsRedeemed => PointsRedeemed,
            Points.PointsExpired => PointsExpired,
            Points.PointsReversed or CampaignPointsReversed or ReferralPointsClawedBack => PointsReversed,
            Points.HoldCaptured => HoldCaptured,
            Points.HoldReleased => HoldReleased,
            TierUpgraded or TierDowngraded or TierAssigned => TierChanged,
            Memberships.MembershipPurchased => MembershipPurchased,
            Memberships.MembershipRenewed => MembershipRenewed,
            Memberships.MembershipPaymentFailed => MembershipPaymentFailed,
            Memberships.MembershipCancelled => MembershipCancelled,
            Memberships.MembershipEnded => MembershipEnded,
            MemberStageChanged => StageChanged,
            MemberSegmentChanged => SegmentChanged,
            ReferralPointsEarned => ReferralRewarded,
            Automations.AutomationFired { Notify: true } => AutomationFired,
            _ => null,
        };
}
