using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Auth;

public static class RevokeStaffRoleEndpoint
{
    /// <summary>
    /// Revokes a staff role from a user; their tokens no longer act with it. Revoking it twice changes nothing.
    /// </summary>
    [WolverineDelete("/staff/{subject}/roles/{role}", OperationId = "revokeStaffRole")]
    [Authorize(Policy = Permissions.AccessManage)]
    [Tags("Access")]
    [ProducesResponseType<StaffMember>(200)]
    [Refuses(400)]
    public static Task<IResult> Revoke(
        string subject,
        string role,
        EventStreams streams,
        HttpContext http,
        CancellationToken ct
    ) =>
        streams.Respond(
            new RevokingStaffRole(RevokeStaffRole.Parse(subject, role, streams.Now, Caller.Of(http).Actor)),
            StatusCodes.Status200OK,
            ct
        );
}

/// <summary>Revoking a staff role: decided on the staff roles as they stand.</summary>
public sealed record RevokingStaffRole(RevokeStaffRole Command) : StaffRolesWrite(Command.Subject)
{
    public override IReadOnlyList<IAccessEvent> Decide(StaffRoles staff) => RevokeStaffRole.Decide(staff, Command);
}
