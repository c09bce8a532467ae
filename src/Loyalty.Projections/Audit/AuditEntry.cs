using JasperFx.Events;
using Loyalty.Domain.Access;
using Loyalty.Domain.Automations;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Webhooks;
using Marten.Events.Projections;
using NodaTime;

namespace Loyalty.Projections.Audit;

/// <summary>
/// One admin action (a key issued or revoked, a role granted or revoked, program settings, tier rules or membership
/// plans changed), a tier assigned by hand or a manual points adjustment: who, what, when.
/// </summary>
public sealed record AuditEntry(
    Guid Id,
    long Sequence,
    string Kind,
    Actor By,
    Instant At,
    Guid StreamId,
    string Summary
)
{
    /// <summary><see cref="At"/> as a number, for filtering by time in the database.</summary>
    public long AtUnixMilliseconds { get; init; } = At.ToUnixTimeMilliseconds();
}

/// <summary>Async: ordered by the global event sequence, which only the daemon sees.</summary>
public sealed partial class AuditEntryProjection : EventProjection
{
    /// <summary>The events that get an entry: those a <c>Create</c> method below takes.</summary>
    public static readonly IReadOnlyList<Type> AuditedEventTypes = typeof(AuditEntryProjection)
        .GetMethods()
        .Where(m =>
            m.Name == nameof(Create)
            && m.GetParameters() is [{ ParameterType.IsGenericType: true } only]
            && only.ParameterType.GetGenericTypeDefinition() == typeof(IEvent<>)
        )
        .Select(m => m.GetParameters()[0].ParameterType.GetGenericArguments()[0])
        .ToList();

    public AuditEntry Create(IEvent<ApiKeyIssued> e) =>
        Entry(
            e,
            "api-key-issued",
            e.Data.By,
            e.Data.At,
            $"key '{e.Data.Name}' ({e.Data.KeyId}) issued with scopes [{string.Join(", ", e.Data.Scopes)}], "
                + $"roles [{string.Join(", ", e.Data.Roles)}], "
                + $"source '{e.Data.Source}', stores [{string.Join(", ", e.Data.Stores)}]"
        );

    public AuditEntry Create(IEvent<ApiKeyRevoked> e) =>
        Entry(e, "api-key-revoked", e.Data.By, e.Data.At, $"key {e.Data.KeyId} revoked: {e.Data.Reason}");

    public AuditEntry Create(IEvent<ApiKeySecretReplaced> e) =>
        Entry(e, "api-key-secret-replaced", e.Data.By, e.Data.At, $"key {e.Data.KeyId} given a new secret");

    public AuditEntry Create(IEvent<StaffRoleGranted> e) =>
        Entry(e, "staff-role-granted", e.Data.By, e.Data.At, $"role '{e.Data.Role}' granted to '{e.Data.Subject}'");

    public AuditEntry Create(IEvent<StaffRoleRevoked> e) =>
        Entry(e, "staff-role-revoked", e.Data.By, e.Data.At, $"role '{e.Data.Role}' revoked from '{e.Data.Subject}'");

    public AuditEntry Create(IEvent<ProgramSettingsChanged> e) =>
        Entry(
            e,
            "program-settings-changed",
            e.Data.By,
            e.Data.At,
            $"rule version {e.Data.RuleVersion}: {e.Data.Currency}, {e.Data.TimeZone}, {e.Data.EarnRate.Points} "
                + $"points per {e.Data.EarnRate.PerAmount}, "
                + $"{e.Data.Rounding}, members {(e.Data.MembersMayRedeem ? "may" : "may not")} redeem"
        );

    public AuditEntry Create(IEvent<TierRulesChanged> e) =>
        Entry(
            e,
            "tier-rules-changed",
            e.Data.By,
            e.Data.At,
            $"rule version {e.Data.RuleVersion} from {e.Data.EffectiveFrom}: {e.Data.Rules.Metric} over "
                + $"{e.Data.Rules.Window}, "
                + string.Join(", ", e.Data.Rules.Tiers.Select(t => $"{t.Code} at {t.Threshold} ×{t.EarnMultiplier}"))
        );

    public AuditEntry Create(IEvent<ReferralRulesChanged> e) =>
        Entry(
            e,
            "referral-rules-changed",
            e.Data.By,
            e.Data.At,
            $"rule version {e.Data.RuleVersion}: "
                + (e.Data.Rules.Enabled ? "on" : "off")
                + $", {e.Data.Rules.Referrer.Points} points to the referrer and {e.Data.Rules.Referred.Points} to the "
                + $"new member on {e.Data.Rules.Trigger}"
        );

    public AuditEntry Create(IEvent<ReferralApproved> e) =>
        Entry(e, "referral-approved", e.Data.By, e.Data.At, $"referral {e.Data.ReferralId}: {e.Data.Reason}");

    public AuditEntry Create(IEvent<ReferralRejected> e) =>
        Entry(e, "referral-rejected", e.Data.By, e.Data.At, $"referral {e.Data.ReferralId}: {e.Data.Reason}");

    public AuditEntry Create(IEvent<MembershipPlansChanged> e) =>
        Entry(
            e,
            "membership-plans-changed",
            e.Data.By,
            e.Data.At,
            $"rule version {e.Data.RuleVersion}: "
                + string.Join(", ", e.Data.Plans.Select(p => $"{p.Code} {p.Price} {p.Period}"))
                + $", {e.Data.GraceDays} days of grace"
        );

    public AuditEntry Create(IEvent<Domain.Tiers.TierAssigned> e) =>
        Entry(
            e,
            "tier-assigned",
            e.Data.By,
            e.Data.At,
            $"tier {e.Data.Tier} for member {e.Data.MemberId} until {e.Data.Until} ({e.Data.AssignmentId}): "
                + $"{e.Data.Reason}"
        );

    public AuditEntry Create(IEvent<PointsAdjusted> e) =>
        Entry(
            e,
            "points-adjusted",
            e.Data.By,
            e.Data.At,
            $"{e.Data.Points:+#;-#} points for member {e.Data.MemberId} ({e.Data.AdjustmentId}): {e.Data.Reason}"
        );

    public AuditEntry Create(IEvent<CampaignChanged> e) =>
        Entry(
            e,
            "campaign-changed",
            e.Data.By,
            e.Data.At,
            $"campaign {e.Data.Code} v{e.Data.Version} ({e.Data.Rules.Status}): {e.Data.Rules.Trigger.Kind}, "
                + $"{e.Data.Rules.Effect.Describe()}, priority {e.Data.Rules.Priority}"
                + (e.Data.Rules.Exclusive ? ", exclusive" : "")
                + (e.Data.Rules.Budget is { } budget ? $", budget {budget}" : "")
        );

    public AuditEntry Create(IEvent<AutomationChanged> e) =>
        Entry(
            e,
            "automation-changed",
            e.Data.By,
            e.Data.At,
            $"automation {e.Data.Code} v{e.Data.Version} ({e.Data.Rules.Status}): {e.Data.Rules.Trigger.Kind}, "
                + string.Join(", ", e.Data.Rules.Actions.Select(a => a.Campaign ?? a.Tag ?? a.Kind))
        );

    public AuditEntry Create(IEvent<CampaignPaused> e) =>
        Entry(e, "campaign-paused", e.Data.By, e.Data.At, $"campaign {e.Data.Code} v{e.Data.Version} paused");

    public AuditEntry Create(IEvent<CampaignResumed> e) =>
        Entry(e, "campaign-resumed", e.Data.By, e.Data.At, $"campaign {e.Data.Code} v{e.Data.Version} resumed");

    public AuditEntry Create(IEvent<CampaignEnded> e) =>
        Entry(e, "campaign-ended", e.Data.By, e.Data.At, $"campaign {e.Data.Code} v{e.Data.Version} ended");

    public AuditEntry Create(IEvent<LedgerExported> e) =>
        Entry(
            e,
            "ledger-exported",
            e.Data.By,
            e.Data.At,
            $"ledger of {e.Data.From:yyyy-MM-dd} to {e.Data.To:yyyy-MM-dd} exported: {e.Data.Rows} movements, "
                + $"{e.Data.Points} points"
        );

    public AuditEntry Create(IEvent<WebhookSubscribed> e) =>
        Entry(
            e,
            "webhook-created",
            e.Data.By,
            e.Data.At,
            $"webhook to {e.Data.Url} for {string.Join(", ", e.Data.Topics)}"
                + (e.Data.IncludeContact ? ", with members' contact details" : "")
        );

    public AuditEntry Create(IEvent<WebhookPaused> e) =>
        Entry(e, "webhook-paused", e.Data.By, e.Data.At, $"webhook {e.Data.WebhookId} paused");

    public AuditEntry Create(IEvent<WebhookResumed> e) =>
        Entry(e, "webhook-resumed", e.Data.By, e.Data.At, $"webhook {e.Data.WebhookId} resumed");

    public AuditEntry Create(IEvent<WebhookDeleted> e) =>
        Entry(e, "webhook-deleted", e.Data.By, e.Data.At, $"webhook {e.Data.WebhookId} deleted");

    private static AuditEntry Entry(IEvent e, string kind, Actor by, Instant at, string summary) =>
        new(e.Id, e.Sequence, kind, by, at, e.StreamId, summary);
}
