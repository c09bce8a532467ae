using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Auth;

public sealed record RevokeApiKeyRequest([Required] string? Reason);

public static class RevokeApiKeyEndpoint
{
    /// <summary>Revokes a key: it opens nothing from the moment this answers. Revoking twice changes nothing.</summary>
    [WolverinePost("/api-keys/{id}/revocation", OperationId = "revokeApiKey")]
    [Authorize(Policy = Permissions.AccessManage)]
    [Tags("Access")]
    [ProducesResponseType<ApiKeyResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    public static async Task<IResult> Revoke(
        Guid id,
        RevokeApiKeyRequest? request,
        EventStreams streams,
        ApiKeyCache cache,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = RevokeApiKey.Parse(request.Reason, streams.Now, Caller.Of(http).Actor);
        var result = await streams.Respond(new RevokingApiKey(id, command), StatusCodes.Status200OK, ct);
        cache.Forget(id); // committed: from now on this node reads the revoked key
        return result;
    }
}

/// <summary>Revoking a key: decided on the key as its stream leaves it.</summary>
public sealed record RevokingApiKey(Guid KeyId, RevokeApiKey Command)
    : FoldedStreamWrite<ApiKey?, IAccessEvent, ApiKeyResponse>(KeyId)
{
    protected override ApiKey? Initial => null;

    protected override DomainError Missing => new NotFound("id", "no such key");

    protected override ApiKey? Evolve(ApiKey? key, IAccessEvent @event) => ApiKey.Evolve(key, @event);

    public override IReadOnlyList<IAccessEvent> Decide(ApiKey? key) => RevokeApiKey.Decide(key!, Command);

    public override ApiKeyResponse Answer(ApiKey? after) => ApiKeyResponse.From(after!);
}
