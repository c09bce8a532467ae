using System.ComponentModel.DataAnnotations;
using Loyalty.Domain.Automations;
using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Api.Automations;

/// <summary>What sets the automation off.</summary>
/// <param name="Kind">Moments of time: <c>birthday</c>, <c>no-purchase</c>, <c>points-expiring</c>,
/// <c>tier-review</c> (with points missing to keep the tier), <c>membership-ending</c>. Moments of the member's
/// story: <c>entered-segment</c>, <c>entered-stage</c>, <c>tier-upgraded</c>, <c>tier-downgraded</c>,
/// <c>payment-failed</c>.</param>
/// <param name="Days">For moments of time: days before the birthday (0 to 31), days without a purchase, or days
/// before the points expire, the tier review or the membership's end (1 to 3650).</param>
/// <param name="Segment">For <c>entered-segment</c>: the RFM segment, e.g. <c>at-risk</c>.</param>
/// <param name="Stage">For <c>entered-stage</c>: the lifecycle stage, e.g. <c>dormant</c>.</param>
public sealed record AutomationTriggerRequest(
    [Required] string? Kind,
    int? Days = null,
    string? Segment = null,
    string? Stage = null
);

/// <summary>Whom the automation is for, checked when it fires; left out: everyone.</summary>
/// <param name="Tiers">Members holding one of these tiers.</param>
/// <param name="Segments">Members in one of these RFM segments.</param>
/// <param name="Stages">Members in one of these lifecycle stages.</param>
/// <param name="Plans">Members with an active paid membership of one of these plans (<c>any</c>: any plan).</param>
public sealed record AutomationConditionRequest(
    IReadOnlyList<string>? Tiers = null,
    IReadOnlyList<string>? Segments = null,
    IReadOnlyList<string>? Stages = null,
    IReadOnlyList<string>? Plans = null
);

/// <summary>What the automation does when it fires.</summary>
/// <param name="Kind"><c>award</c> (points through a campaign whose trigger is <c>automation</c>, with its budget and
/// limits), <c>webhook</c> (an <c>automation.fired</c> event to the webhooks subscribed) or <c>tag</c>.</param>
/// <param name="Campaign">For <c>award</c>: the campaign's code.</param>
/// <param name="Tag">For <c>tag</c>: the tag put on the member, lower-case letters, digits and hyphens.</param>
public sealed record AutomationActionRequest([Required] string? Kind, string? Campaign = null, string? Tag = null);

/// <summary>An automation as the program manager sets it; every change is a new version.</summary>
/// <param name="Name">What the program calls it.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Status"><c>draft</c>, <c>active</c> or <c>paused</c>. It fires only while active, for what comes
/// from the day it became active.</param>
/// <param name="Trigger">What sets it off.</param>
/// <param name="Condition">Whom it is for.</param>
/// <param name="Actions">What it does, at least one; an award and a webhook at most once each.</param>
/// <param name="ExpectedVersion">The version the change is made on (0 for a new one): a stale one is 412.</param>
/// <example>
/// {"name":"Win back after 90 quiet days","status":"active","trigger":{"kind":"no-purchase","days":90},
///  "condition":{"tiers":["silver","gold"]},
///  "actions":[{"kind":"award","campaign":"win-back-200"},{"kind":"webhook"},{"kind":"tag","tag":"win-back"}]}
/// </example>
public sealed record ChangeAutomationRequest(
    [Required] string? Name,
    [Required] string? Status,
    [Required] AutomationTriggerRequest? Trigger,
    [Required] IReadOnlyList<AutomationActionRequest?>? Actions,
    string? Description = null,
    AutomationConditionRequest? Condition = null,
    int? ExpectedVersion = null
)
{
    public AutomationRules ToRules()
    {
        var trigger = Trigger ?? throw new InvalidInput("trigger", "is required");
        var condition = Condition ?? new AutomationConditionRequest();
        return new AutomationRules(
            Name ?? throw new InvalidInput("name", "is required"),
            Description,
            Status ?? throw new InvalidInput("status", "is required"),
            new AutomationTrigger(
                trigger.Kind ?? throw new InvalidInput("trigger.kind", "is required"),
                trigger.Days,
                trigger.Segment,
                trigger.Stage
            ),
            new AutomationCondition(condition.Tiers, condition.Segments, condition.Stages, condition.Plans),
            (Actions ?? throw new InvalidInput("actions", "is required"))
                .Select(
                    (a, i) =>
                        a is null
                            ? throw new InvalidInput($"actions[{i}]", "is required")
                            : new AutomationAction(
                                a.Kind ?? throw new InvalidInput($"actions[{i}].kind", "is required"),
                                a.Campaign,
                                a.Tag
                            )
                )
                .ToList()
        );
    }
}

/// <summary>An automation's trigger, as set.</summary>
public sealed record AutomationTriggerView(string Kind, int? Days, string? Segment, string? Stage);

/// <summary>An automation's condition, as set (null: no such condition).</summary>
public sealed record AutomationConditionView(
    IReadOnlyList<string>? Tiers,
    IReadOnlyList<string>? Segments,
    IReadOnlyList<string>? Stages,
    IReadOnlyList<string>? Plans
);

/// <summary>An automation's action, as set.</summary>
public sealed record AutomationActionView(string Kind, string? Campaign, string? Tag);

/// <summary>The rules of one version of an automation (see the change's request for each field).</summary>
public sealed record AutomationDefinition(
    string Name,
    string? Description,
    string Status,
    AutomationTriggerView Trigger,
    AutomationConditionView Condition,
    IReadOnlyList<AutomationActionView> Actions
)
{
    public static AutomationDefinition Of(AutomationRules r) =>
        new(
            r.Name,
            r.Description,
            r.Status,
            new AutomationTriggerView(r.Trigger.Kind, r.Trigger.Days, r.Trigger.Segment, r.Trigger.Stage),
            new AutomationConditionView(r.Condition.Tiers, r.Condition.Segments, r.Condition.Stages, r.Condition.Plans),
            r.Actions.Select(a => new AutomationActionView(a.Kind, a.Campaign, a.Tag)).ToList()
        );
}

/// <summary>One version of an automation.</summary>
/// <param name="Version">Its number, from 1.</param>
/// <param name="EffectiveFrom">When it came into force.</param>
/// <param name="Rules">Its rules.</param>
public sealed record AutomationVersionResponse(int Version, Instant EffectiveFrom, AutomationDefinition Rules);

/// <summary>An automation: its current version and every version before.</summary>
/// <param name="Code">Its code, in the path.</param>
/// <param name="Version">The current version: what a change names as <c>expectedVersion</c>.</param>
/// <param name="Status">The current version's status.</param>
/// <param name="ActiveSince">Since when it has been active without a break; null when it is not active.</param>
/// <param name="Current">The current version's rules.</param>
/// <param name="Versions">Every version, oldest first.</param>
public sealed record AutomationResponse(
    string Code,
    int Version,
    string Status,
    Instant? ActiveSince,
    AutomationDefinition Current,
    IReadOnlyList<AutomationVersionResponse> Versions
)
{
    public static AutomationResponse From(Automation automation) =>
        new(
            automation.Code,
            automation.Version,
            automation.Current.Rules.Status,
            automation.ActiveSince(),
            AutomationDefinition.Of(automation.Current.Rules),
            automation
                .Versions.Select(v => new AutomationVersionResponse(
                    v.Version,
                    v.EffectiveFrom,
                    AutomationDefinition.Of(v.Rules)
                ))
                .ToList()
        );
}

/// <summary>Automations, by code.</summary>
/// <param name="Automations">The automations, by code.</param>
public sealed record AutomationListResponse(IReadOnlyList<AutomationResponse> Automations);
