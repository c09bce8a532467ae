using System.Security.Cryptography;
using System.Text;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Automations;

/// <summary>
/// What sets an automation off. Moments of time: <c>birthday</c> (<see cref="Days"/> before it, in the member's
/// zone), <c>no-purchase</c> (<see cref="Days"/> without one), <c>points-expiring</c>, <c>tier-review</c> (with
/// points missing to keep the tier) and <c>membership-ending</c> (each within <see cref="Days"/>). Moments of the
/// member's story: <c>entered-segment</c> (<see cref="Segment"/>), <c>entered-stage</c> (<see cref="Stage"/>),
/// <c>tier-upgraded</c>, <c>tier-downgraded</c> and <c>payment-failed</c>.
/// </summary>
public sealed record AutomationTrigger(string Kind, int? Days = null, string? Segment = null, string? Stage = null)
{
    public const string Birthday = "birthday",
        NoPurchase = "no-purchase",
        PointsExpiring = "points-expiring",
        TierReview = "tier-review",
        MembershipEnding = "membership-ending",
        EnteredSegment = "entered-segment",
        EnteredStage = "entered-stage",
        TierUpgraded = "tier-upgraded",
        TierDowngraded = "tier-downgraded",
        PaymentFailed = "payment-failed";

    /// <summary>Triggers the passing of time brings: the automation job looks for them.</summary>
    public static readonly string[] OfTime = [Birthday, NoPurchase, PointsExpiring, TierReview, MembershipEnding];

    /// <summary>Triggers an event on the member's stream brings: they are checked when it is written.</summary>
    public static readonly string[] OfEvents =
    [
        EnteredSegment,
        EnteredStage,
        TierUpgraded,
        TierDowngraded,
        PaymentFailed,
    ];

    public static readonly string[] Kinds = [.. OfTime, .. OfEvents];

    public bool ByTime => OfTime.Contains(Kind);
}

/// <summary>Who the automation is for, checked when it fires; left out: everyone.</summary>
public sealed record AutomationCondition(
    IReadOnlyList<string>? Tiers = null,
    IReadOnlyList<string>? Segments = null,
    IReadOnlyList<string>? Stages = null,
    IReadOnlyList<string>? Plans = null
)
{
    public static readonly AutomationCondition None = new();

    public bool Equals(AutomationCondition? other) =>
        other is not null
        && CampaignConditions.Same(Tiers, other.Tiers)
        && CampaignConditions.Same(Segments, other.Segments)
        && CampaignConditions.Same(Stages, other.Stages)
        && CampaignConditions.Same(Plans, other.Plans);

    public override int GetHashCode() => HashCode.Combine(Tiers?.Count, Segments?.Count, Stages?.Count, Plans?.Count);
}

/// <summary>
/// What an automation does when it fires: <c>award</c> points through <see cref="Campaign"/> (a campaign with the
/// <c>automation</c> trigger, with its budget and limits), send a <c>webhook</c> event (<c>automation.fired</c>), or
/// <c>tag</c> the member with <see cref="Tag"/>.
/// </summary>
public sealed record AutomationAction(string Kind, string? Campaign = null, string? Tag = null)
{
    public const string Award = "award",
        Webhook = "webhook",
        TagMember = "tag";

    public static readonly string[] Kinds = [Award, Webhook, TagMember];
}

/// <summary>One version of an automation: its name, status, trigger, condition and actions.</summary>
public sealed record AutomationRules(
    string Name,
    string? Description,
    string Status,
    AutomationTrigger Trigger,
    AutomationCondition Condition,
    IReadOnlyList<AutomationAction> Actions
)
{
    public const string Draft = "draft",
        Active = "active",
        Paused = "paused";

    public static readonly string[] Statuses = [Draft, Active, Paused];

    public string? AwardCampaign => Actions.FirstOrDefault(a => a.Kind == AutomationAction.Award)?.Campaign;

    public bool Notifies => Actions.Any(a => a.Kind == AutomationAction.Webhook);

    public IReadOnlyList<string> Tags =>
        Actions.Where(a => a.Kind == AutomationAction.TagMember).Select(a => a.Tag!).ToList();

    public bool Equals(AutomationRules? other) =>
        other is not null
        && (Name, Description, Status, Trigger, Condition)
            == (other.Name, other.Description, other.Status, other.Trigger, other.Condition)
        && CampaignConditions.Same(Actions, other.Actions);

    public override int GetHashCode() => HashCode.Combine(Name, Status, Trigger);
}

/// <summary>A version of an automation and the moment it came into force (when it was recorded).</summary>
public sealed record AutomationVersion(int Version, Instant EffectiveFrom, AutomationRules Rules);

/// <summary>An automation as its stream leaves it: every version, oldest first.</summary>
public sealed record Automation(string Code, IReadOnlyList<AutomationVersion> Versions)
{
    public AutomationVersion Current => Versions[^1];

    public int Version => Versions.Count == 0 ? 0 : Current.Version;

    /// <summary>
    /// Since when it has been active without a break, if it is active now: it fires for what happened from then on.
    /// </summary>
    public Instant? ActiveSince()
    {
        Instant? since = null;
        for (var i = Versions.Count - 1; i >= 0 && Versions[i].Rules.Status == AutomationRules.Active; i--)
            since = Versions[i].EffectiveFrom;
        return since;
    }

    public static Guid StreamIdFor(string code) =>
        new(MD5.HashData(Encoding.UTF8.GetBytes("loyalty-automation/" + code)));

    public static Automation Evolve(Automation? automation, AutomationChanged e) =>
        new(e.Code, [.. automation?.Versions ?? [], new AutomationVersion(e.Version, e.At, e.Rules)]);
}

/// <summary>Every event of an automation's stream.</summary>
public interface IAutomationEvent
{
    string Code { get; }
}

/// <summary>
/// An automation was set up or changed (its status included): version <see cref="Version"/> has these
/// <see cref="Rules"/> from <see cref="At"/> on.
/// </summary>
public sealed record AutomationChanged(string Code, int Version, AutomationRules Rules, Instant At, Actor By)
    : IAutomationEvent;
