using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Automations;
using Loyalty.Domain.Common;
using Loyalty.Projections.Automations;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Automations;

public static class ReadAutomationsEndpoints
{
    /// <summary>An automation with every version it had.</summary>
    [Tags("Automations")]
    [ProducesResponseType<AutomationResponse>(200)]
    [Refuses(404)]
    [WolverineGet("/program/automations/{code}", OperationId = "getAutomation")]
    [Authorize(Policy = Permissions.InsightRead)]
    public static async Task<AutomationResponse> Get(string code, IQuerySession session, CancellationToken ct) =>
        AutomationResponse.From((await Find(session, code, ct)).Automation);

    /// <summary>The automations, by code; <c>status</c> keeps those whose current version has it.</summary>
    [Tags("Automations")]
    [ProducesResponseType<AutomationListResponse>(200)]
    [Refuses(400)]
    [WolverineGet("/program/automations", OperationId = "listAutomations")]
    [Authorize(Policy = Permissions.InsightRead)]
    public static async Task<AutomationListResponse> List(string? status, IQuerySession session, CancellationToken ct)
    {
        if (status is not null && !AutomationRules.Statuses.Contains(status))
            throw new InvalidInput("status", $"must be one of {string.Join(", ", AutomationRules.Statuses)}");
        var query = session.Query<AutomationView>().AsQueryable();
        if (status is not null)
            query = query.Where(a => a.Status == status);
        var views = await query.ToListAsync(ct);
        return new(
            views
                .OrderBy(v => v.Code, StringComparer.Ordinal)
                .Select(v => AutomationResponse.From(v.Automation))
                .ToList()
        );
    }

    internal static async Task<AutomationView> Find(IQuerySession session, string code, CancellationToken ct) =>
        await session.LoadAsync<AutomationView>(Automation.StreamIdFor(code), ct)
        ?? throw new NotFound("code", "no such automation");
}
