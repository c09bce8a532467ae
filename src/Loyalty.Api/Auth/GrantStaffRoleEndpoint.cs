using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Auth;

public static class GrantStaffRoleEndpoint
{
    /// <summary>Grants a staff role to a user of the identity provider, by the subject of their tokens.</summary>
    [WolverinePut("/staff/{subject}/roles/{role}", OperationId = "grantStaffRole")]
    [Authorize(Policy = Permissions.AccessManage)]
    [Tags("Access")]
    [ProducesResponseType<StaffMember>(200)]
    [Refuses(400)]
    public static Task<IResult> Grant(
        string subject,
        string role,
        EventStreams streams,
        HttpContext http,
        CancellationToken ct
    ) =>
        streams.Respond(
            new GrantingStaffRole(GrantStaffRole.Parse(subject, role, streams.Now, Caller.Of(http).Actor)),
            StatusCodes.Status200OK,
            ct
        );
}

/// <summary>Granting a staff role: decided on the staff roles as they stand.</summary>
public sealed record GrantingStaffRole(GrantStaffRole Command) : StaffRolesWrite(Command.Subject)
{
    public override IReadOnlyList<IAccessEvent> Decide(StaffRoles staff) => GrantStaffRole.Decide(staff, Command);
}
