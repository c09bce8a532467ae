using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>A version of a campaign and the moment it came into force (when it was recorded).</summary>
public sealed record CampaignVersion(int Version, Instant EffectiveFrom, CampaignRules Rules, string Change);

/// <summary>A campaign as its stream leaves it: every version, oldest first; none is ever edited.</summary>
public sealed record Campaign(string Code, IReadOnlyList<CampaignVersion> Versions)
{
    public const int MaxCodeLength = 60;

    public CampaignVersion Current => Versions[^1];

    public int Version => Versions.Count == 0 ? 0 : Current.Version;

    /// <summary>The version in force at <paramref name="at"/>; null before the campaign existed.</summary>
    public CampaignVersion? InForceAt(Instant at) => Versions.LastOrDefault(v => v.EffectiveFrom <= at);

    /// <summary>Each campaign has a stream of its own, found by its code.</summary>
    public static Guid StreamIdFor(string code) =>
        new(MD5.HashData(Encoding.UTF8.GetBytes("loyalty-campaign/" + code)));

    public static Campaign? Evolve(Campaign? campaign, ICampaignEvent @event) =>
        @event switch
        {
            CampaignChanged e => Add(campaign, e, e.Rules, "changed"),
            CampaignPaused e => Add(
                campaign,
                e,
                campaign!.Current.Rules with
                {
                    Status = CampaignRules.Paused,
                },
                "paused"
            ),
            CampaignResumed e => Add(
                campaign,
                e,
                campaign!.Current.Rules with
                {
                    Status = CampaignRules.Active,
                },
                "resumed"
            ),
            CampaignEnded e => Add(campaign, e, campaign!.Current.Rules with { Status = CampaignRules.Ended }, "ended"),
            _ => campaign,
        };

    private static Campaign Add(Campaign? campaign, ICampaignEvent e, CampaignRules rules, string change) =>
        new(e.Code, [.. campaign?.Versions ?? [], new CampaignVersion(e.Version, e.At, rules, change)]);
}
