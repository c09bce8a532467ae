using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Campaigns;
using Loyalty.Projections.Campaigns;
using Marten;

namespace Loyalty.Api.Campaigns;

/// <summary>
/// Every campaign with its versions, as purchases, engagements and enrolments decide on them: read once per
/// <c>Loyalty:Program:CacheSeconds</c>, like the program's settings.
/// </summary>
public sealed class CampaignsCache(IDocumentStore store, Microsoft.Extensions.Options.IOptions<ProgramDefaults> options)
    : ShortCache<int, IReadOnlyList<Campaign>>(TimeSpan.FromSeconds(options.Value.CacheSeconds))
{
    public ValueTask<IReadOnlyList<Campaign>> AllAsync(CancellationToken ct) =>
        GetAsync(
            0,
            async _ =>
            {
                await using var session = store.QuerySession();
                var views = await session.Query<CampaignView>().ToListAsync(ct);
                return views.Select(v => v.Campaign).OrderBy(c => c.Code, StringComparer.Ordinal).ToList();
            }
        );

    /// <summary>
    /// The campaigns that may give on <paramref name="triggers"/> at some time: the others cost nothing.
    /// </summary>
    public async ValueTask<IReadOnlyList<Campaign>> ForAsync(CancellationToken ct, params string[] triggers) =>
        (await AllAsync(ct))
            .Where(c =>
                c.Versions.Any(v => triggers.Contains(v.Rules.Trigger.Kind) && v.Rules.Status == CampaignRules.Active)
            )
            .ToList();

    public void Forget() => Forget(0);
}
