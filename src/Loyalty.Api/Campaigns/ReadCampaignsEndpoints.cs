using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Projections.Campaigns;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Campaigns;

/// <summary>Campaigns, by code.</summary>
/// <param name="Campaigns">The campaigns, by code.</param>
public sealed record CampaignListResponse(IReadOnlyList<CampaignResponse> Campaigns);

public static class ReadCampaignsEndpoints
{
    /// <summary>A campaign with every version it had and its budget.</summary>
    [Tags("Campaigns")]
    [ProducesResponseType<CampaignResponse>(200)]
    [Refuses(404)]
    [WolverineGet("/program/campaigns/{code}", OperationId = "getCampaign")]
    [Authorize(Policy = Permissions.ProgramRead)]
    public static async Task<CampaignResponse> Get(string code, IQuerySession session, CancellationToken ct)
    {
        var view =
            await session.LoadAsync<CampaignView>(Campaign.StreamIdFor(code), ct)
            ?? throw new NotFound("code", "no such campaign");
        var budgets = await BudgetsOf(session, [code], ct);
        return CampaignResponse.From(view.Campaign, budgets.GetValueOrDefault(code));
    }

    /// <summary>The campaigns, by code; <c>status</c> keeps those whose current version has it.</summary>
    [Tags("Campaigns")]
    [ProducesResponseType<CampaignListResponse>(200)]
    [Refuses(400)]
    [WolverineGet("/program/campaigns", OperationId = "listCampaigns")]
    [Authorize(Policy = Permissions.ProgramRead)]
    public static async Task<CampaignListResponse> List(string? status, IQuerySession session, CancellationToken ct)
    {
        if (status is not null && !CampaignRules.Statuses.Contains(status))
            throw new InvalidInput("status", $"must be one of {string.Join(", ", CampaignRules.Statuses)}");
        var query = session.Query<CampaignView>().AsQueryable();
        if (status is not null)
            query = query.Where(c => c.Status == status);
        var views = (await query.ToListAsync(ct)).OrderBy(v => v.Code, StringComparer.Ordinal).ToList();
        var budgets = await BudgetsOf(session, views.Select(v => v.Code), ct);
        return new(views.Select(v => CampaignResponse.From(v.Campaign, budgets.GetValueOrDefault(v.Code))).ToList());
    }

    private static async Task<IReadOnlyDictionary<string, CampaignBudget>> BudgetsOf(
        IQuerySession session,
        IEnumerable<string> codes,
        CancellationToken ct
    ) =>
        CampaignBudget.Of(
            await session.LoadManyAsync<CampaignBudgetSlice>(ct, codes.SelectMany(CampaignBudgetSlice.IdsFor).ToArray())
        );
}
