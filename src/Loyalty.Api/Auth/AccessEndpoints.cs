using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Projections.Access;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Auth;

public sealed record IssueApiKeyRequest(
    [Required] string? Name,
    IReadOnlyList<string>? Scopes,
    IReadOnlyList<string>? Roles,
    string? Source,
    IReadOnlyList<string>? Stores
);

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

/// <summary>The answer to issuing a key: the key itself, shown this once.</summary>
public sealed record IssuedApiKeyResponse(string Key, ApiKeyResponse Details);

public sealed record RevokeApiKeyRequest([Required] string? Reason);

public sealed record StaffMember(string Subject, IReadOnlyList<string> Roles);

public static class ApiKeyEndpoints
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
        var command = new RevokeApiKey(request.Reason, streams.Now, Caller.Of(http).Actor);
        var result = await streams.Respond(new RevokingApiKey(id, command), StatusCodes.Status200OK, ct);
        cache.Forget(id); // committed: from now on this node reads the revoked key
        return result;
    }
}

public static class StaffEndpoints
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
            new GrantingStaffRole(new GrantStaffRole(subject, role, streams.Now, Caller.Of(http).Actor)),
            StatusCodes.Status200OK,
            ct
        );

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
            new RevokingStaffRole(new RevokeStaffRole(subject, role, streams.Now, Caller.Of(http).Actor)),
            StatusCodes.Status200OK,
            ct
        );

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

/// <summary>
/// A change of a user's staff roles: decided on the roles as they stand, answered with the user's roles.
/// </summary>
public abstract record StaffRolesWrite(string? Subject)
    : FoldedStreamWrite<StaffRoles, IAccessEvent, StaffMember>(StaffRoles.StreamId)
{
    protected override StaffRoles Initial => StaffRoles.None;

    protected override StaffRoles Evolve(StaffRoles staff, IAccessEvent @event) => StaffRoles.Evolve(staff, @event);

    public override StaffMember Answer(StaffRoles after) => new(Subject!, after.Of(Subject!).Order().ToArray());
}

public sealed record GrantingStaffRole(GrantStaffRole Command) : StaffRolesWrite(Command.Subject)
{
    public override IReadOnlyList<IAccessEvent> Decide(StaffRoles staff) => GrantStaffRole.Decide(staff, Command);
}

public sealed record RevokingStaffRole(RevokeStaffRole Command) : StaffRolesWrite(Command.Subject)
{
    public override IReadOnlyList<IAccessEvent> Decide(StaffRoles staff) => RevokeStaffRole.Decide(staff, Command);
}
