using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Auth;

public sealed record IssueApiKeyRequest(
    [Required] string? Name,
    IReadOnlyList<string>? Scopes,
    IReadOnlyList<string>? Roles,
    string? Source,
    IReadOnlyList<string>? Stores
);

/// <summary>The answer to issuing a key: the key itself, shown this once.</summary>
public sealed record IssuedApiKeyResponse(string Key, ApiKeyResponse Details);

public static class IssueApiKeyEndpoint
{
    /// <summary>
    /// Issues an API key with scopes (a system) or roles (staff work). The key is in this answer only; store it now.
    /// </summary>
    [Locates(201)]
    [WolverinePost("/api-keys", OperationId = "issueApiKey")]
    [Authorize(Policy = Permissions.AccessManage)]
    [Tags("Access")]
    [ProducesResponseType<IssuedApiKeyResponse>(201)]
    [Refuses(400)]
    public static Task<IResult> Issue(
        IssueApiKeyRequest? request,
        EventStreams streams,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var id = Guid.CreateVersion7();
        var key = ApiKeySecrets.NewKey(id);
        var issued = IssueApiKey.Decide(
            new IssueApiKey(
                id,
                request.Name,
                request.Scopes,
                request.Roles,
                request.Source,
                request.Stores,
                ApiKeySecrets.Hash(key),
                streams.Now,
                Caller.Of(http).Actor
            )
        );
        var answer = new IssuedApiKeyResponse(key, ApiKeyResponse.From(ApiKey.Evolve(null, issued)!));
        var write = new StartStream<IssuedApiKeyResponse>(id, null, issued, answer);
        return streams.Respond(write, StatusCodes.Status201Created, ct, keyId => $"/api-keys/{keyId}");
    }
}
