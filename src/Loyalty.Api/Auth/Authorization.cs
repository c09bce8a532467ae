using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Projections.Members;
using Marten;
using Microsoft.AspNetCore.Authorization;

namespace Loyalty.Api.Auth;

/// <summary>An endpoint's declared need: one permission.</summary>
public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

/// <summary>Why a caller was refused, naming what was missing.</summary>
public sealed class Refusal(IAuthorizationHandler handler, string field, string reason)
    : AuthorizationFailureReason(handler, reason)
{
    public string Field { get; } = field;
}

/// <summary>
/// A caller needs the endpoint's permission. A member token on top acts only for its own member (the
/// <c>{id}</c> in the route, or the <c>externalId</c> asked for), and redeems only where the program allows it.
/// </summary>
public sealed class PermissionHandler(IDocumentStore store, ProgramSettingsCache programSettings)
    : AuthorizationHandler<PermissionRequirement>
{
    protected override async Task HandleRequirementAsync(
        AuthorizationHandlerContext context,
        PermissionRequirement requirement
    )
    {
        var caller = new Caller(context.User);
        if (!caller.Has(requirement.Permission))
        {
            context.Fail(new Refusal(this, "scope", $"this caller lacks '{requirement.Permission}'"));
            return;
        }
        if (!caller.IsMember || requirement.Permission == Permissions.ProgramRead)
        {
            context.Succeed(requirement);
            return;
        }

        var http = context.Resource as HttpContext;
        await using var session = store.QuerySession();
        if (http is null || await MemberOfRequest(http, session) != caller.Id)
        {
            context.Fail(new Refusal(this, "memberId", "a member token acts only for its own member"));
            return;
        }
        if (
            requirement.Permission == Permissions.PointsRedeem
            && !(await programSettings.CurrentAsync(http.RequestAborted)).MembersMayRedeem
        )
        {
            context.Fail(new Refusal(this, "scope", "the program does not let members redeem from their app"));
            return;
        }
        if (
            requirement.Permission == Permissions.EngagementWrite
            && !(await programSettings.CurrentAsync(http.RequestAborted)).MembersMaySendEngagements
        )
        {
            context.Fail(new Refusal(this, "scope", "the program does not let members report engagements"));
            return;
        }
        context.Succeed(requirement);
    }

    private static async Task<string?> MemberOfRequest(HttpContext http, IQuerySession session)
    {
        if (http.Request.RouteValues.TryGetValue("id", out var raw) && Guid.TryParse(raw?.ToString(), out var id))
            return (await session.LoadAsync<MemberView>(id, http.RequestAborted))?.ExternalId;
        return http.Request.Query["externalId"].FirstOrDefault();
    }
}
