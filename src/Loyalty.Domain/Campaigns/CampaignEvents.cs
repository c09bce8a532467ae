using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>Every event of a campaign's stream; each makes a new version of the campaign.</summary>
public interface ICampaignEvent
{
    string Code { get; }
    int Version { get; }
    Instant At { get; }
    Actor By { get; }
}

/// <summary>
/// A campaign was set up or changed: version <see cref="Version"/> has these <see cref="Rules"/> from
/// <see cref="At"/> on. Earlier versions stay as they were, for what they gave.
/// </summary>
public sealed record CampaignChanged(string Code, int Version, CampaignRules Rules, Instant At, Actor By)
    : ICampaignEvent;

/// <summary>A campaign stopped giving for now: version <see cref="Version"/> is its last, paused.</summary>
public sealed record CampaignPaused(string Code, int Version, Instant At, Actor By) : ICampaignEvent;

/// <summary>A paused campaign gives again, as version <see cref="Version"/>.</summary>
public sealed record CampaignResumed(string Code, int Version, Instant At, Actor By) : ICampaignEvent;

/// <summary>A campaign ended for good: it gives nothing from <see cref="At"/> on and cannot be changed.</summary>
public sealed record CampaignEnded(string Code, int Version, Instant At, Actor By) : ICampaignEvent;
