using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Projections.Members;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Members;

public static class ReadMemberEndpoints
{
    /// <summary>A member's profile, status and version (the version a profile edit must name).</summary>
    [Tags("Members")]
    [ProducesResponseType<Loyalty.Projections.Members.MemberView>(200)]
    [Refuses(404)]
    [WolverineGet("/members/{id}", OperationId = "getMember")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<MemberView>(id, ct) is { } member
            ? Results.Json(member)
            : Problems.For(new NotFound("memberId", "no such member"));

    /// <summary>Finds a member by the caller's own id for them (a POS knows the card, not our id).</summary>
    [Tags("Members")]
    [ProducesResponseType<Loyalty.Projections.Members.MemberView>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [WolverineGet("/members", OperationId = "findMemberByExternalId")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Find(string? externalId, IQuerySession session, CancellationToken ct)
    {
        var id = Guard.Required(externalId, "externalId", 100);
        return await session.Query<MemberView>().FirstOrDefaultAsync(m => m.ExternalId == id, ct) is { } member
            ? Results.Json(member)
            : Problems.For(new NotFound("externalId", "no member has this externalId"));
    }
}
