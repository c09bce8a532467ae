using Loyalty.Domain.Access;
using Loyalty.Projections.Access;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace Loyalty.Api.Auth;

public static class ReadStaffEndpoint
{
    /// <summary>Lists the users granted staff roles here, with their roles (not those carried in tokens).</summary>
    [WolverineGet("/staff", OperationId = "listStaff")]
    [Authorize(Policy = Permissions.AccessManage)]
    [Tags("Access")]
    public static async Task<IReadOnlyList<StaffMember>> List(IQuerySession session, CancellationToken ct) =>
        (await session.LoadAsync<StaffDirectory>(StaffRoles.StreamId, ct))
            ?.RolesBySubject.Select(p => new StaffMember(p.Key, p.Value))
            .OrderBy(s => s.Subject)
            .ToList()
        ?? [];
}
