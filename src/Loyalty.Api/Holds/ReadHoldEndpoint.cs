using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Projections.Purchases;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Holds;

public static class ReadHoldEndpoint
{
    /// <summary>A hold and how it stands.</summary>
    [Tags("Holds")]
    [ProducesResponseType<HoldResponse>(200)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/holds/{holdId}", OperationId = "getHold")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Get(Guid id, string holdId, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<HoldRecord>(HoldState.Key(id, holdId), ct) is { } record
            ? Results.Json(HoldResponse.From(record.Hold, null))
            : Problems.For(new NotFound("holdId", "no such hold"));
}
