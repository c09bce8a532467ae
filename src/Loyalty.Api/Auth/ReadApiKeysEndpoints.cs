using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Auth;

/// <summary>A key as listed: never its secret.</summary>
public sealed record ApiKeyResponse(
    Guid Id,
    string Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Roles,
    string Source,
    IReadOnlyList<string> Stores,
    Instant IssuedAt,
    Instant? RevokedAt
)
{
    public static ApiKeyResponse From(ApiKey k) =>
        new(k.Id, k.Name, k.Scopes, k.Roles, k.Source, k.Stores, k.IssuedAt, k.RevokedAt);
}

public static class ReadApiKeysEndpoints
{
    /// <summary>Lists every key issued, revoked ones included, oldest first; never a secret.</summary>
    [WolverineGet("/api-keys", OperationId = "listApiKeys")]
    [Authorize(Policy = Permissions.AccessManage)]
    [Tags("Access")]
    public static async Task<IReadOnlyList<ApiKeyResponse>> List(IQuerySession session, CancellationToken ct) =>
        (await session.Query<ApiKey>().OrderBy(k => k.IssuedAt).ToListAsync(ct)).Select(ApiKeyResponse.From).ToList();

    /// <summary>
    /// One key as listed: name, scopes, roles, source, stores and whether it was revoked; never its secret.
    /// </summary>
    [WolverineGet("/api-keys/{id}", OperationId = "getApiKey")]
    [Authorize(Policy = Permissions.AccessManage)]
    [Tags("Access")]
    [ProducesResponseType<ApiKeyResponse>(200)]
    [Refuses(404)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<ApiKey>(id, ct) is { } key
            ? Results.Json(ApiKeyResponse.From(key))
            : Problems.For(new NotFound("id", "no such key"));
}
