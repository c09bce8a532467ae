using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Members;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Members;

/// <summary>A new member, under the caller's own id for them.</summary>
/// <param name="ExternalId">The caller's unique id for the member (a card number); enrolling it again answers the same
/// member.</param>
/// <param name="Name">The member's name.</param>
/// <param name="Email">An email address, checked for shape only.</param>
/// <param name="Phone">A phone number.</param>
/// <param name="Birthday">The member's birthday, for birthday care.</param>
/// <param name="TimeZone">The member's IANA time zone; default the program's.</param>
/// <example>
/// {"externalId":"card-4711","name":"Ada Lovelace","email":"ada@example.com","birthday":"1990-12-10"}
/// </example>
public sealed record EnrollMemberRequest(
    [Required] string? ExternalId,
    [Required] string? Name,
    string? Email,
    string? Phone,
    LocalDate? Birthday,
    string? TimeZone);

public sealed record UpdateProfileRequest(
    [Required] int? ExpectedVersion,
    [Required] string? Name,
    string? Email,
    string? Phone,
    LocalDate? Birthday,
    string? TimeZone);

public sealed record CloseMemberRequest([Required] string? Reason, int? ExpectedVersion);

public static class EnrollMemberEndpoint
{
    /// <summary>
    /// Enrolls a member under the caller's unique <c>externalId</c>. The same enrollment again answers with
    /// the member it made (header <c>Idempotent-Replay: true</c>); the same externalId with other data is a 409.
    /// </summary>
    [Tags("Members")]
    [ProducesResponseType<Loyalty.Projections.Members.MemberView>(201)]
    [Refuses(400)]
    [Refuses(409)]
    [Idempotent]
    [Locates(201)]
    [WolverinePost("/members", OperationId = "enrollMember")]
    [Authorize(Policy = Permissions.MembersWrite)]
    public static async Task<IResult> Post(EnrollMemberRequest? request, EventStreams streams, ProgramSettingsCache programSettings, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var program = await programSettings.CurrentAsync(ct);
        var enrolled = EnrollMember.Decide(new EnrollMember(Guid.CreateVersion7(), request.ExternalId, request.Name, request.Email,
            request.Phone, request.Birthday, request.TimeZone, program.TimeZone, streams.Now, Caller.Of(http).Actor));
        var key = streams.Key($"enrollment/{enrolled.ExternalId}", "externalId", request);
        var member = MemberViewProjection.From(Member.Evolve(null, enrolled)!);
        return await streams.Start(member.Id, key, enrolled, member, StatusCodes.Status201Created,
            id => $"/members/{id}", ct);
    }
}

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

public static class UpdateProfileEndpoint
{
    /// <summary>
    /// Replaces the member's profile. <c>expectedVersion</c> is the version you read: if someone changed the
    /// profile since, the answer is 412 and nothing changes.
    /// </summary>
    [Tags("Members")]
    [ProducesResponseType<Loyalty.Projections.Members.MemberView>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(412)]
    [Refuses(422)]
    [WolverinePut("/members/{id}/profile", OperationId = "updateMemberProfile")]
    [Authorize(Policy = Permissions.MembersWrite)]
    public static Task<IResult> Put(Guid id, UpdateProfileRequest? request, EventStreams streams, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var expected = request.ExpectedVersion ?? throw new InvalidInput("expectedVersion", "is required");
        var command = new UpdateProfile(expected, request.Name, request.Email, request.Phone, request.Birthday, request.TimeZone,
            streams.Now, Caller.Of(http).Actor);
        return ChangeMember(id, streams, member => UpdateProfile.Decide(member, command), ct);
    }

    internal static Task<IResult> ChangeMember(Guid id, EventStreams streams, Func<Member, IReadOnlyList<IMemberEvent>> decide, CancellationToken ct) =>
        streams.Append<Member?, IMemberEvent, MemberView>(id, null, batch =>
            {
                var balance = batch.Load<MemberBalance>(id);
                var member = batch.Load<MemberView>(id);
                return async () => await balance is { } b && await member is { } m
                    ? new Current<Member?>(m.ToMember(), b.Version)
                    : throw new NotFound("memberId", "no such member");
            },
            Member.Evolve, member => decide(member!),
            written => MemberViewProjection.From(written.After!), StatusCodes.Status200OK, ct);
}

public static class CloseMemberEndpoint
{
    /// <summary>Closes the member: no more earning; the balance is kept and can still be redeemed. Closing twice changes nothing.</summary>
    [Tags("Members")]
    [ProducesResponseType<Loyalty.Projections.Members.MemberView>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(412)]
    [WolverinePost("/members/{id}/closure", OperationId = "closeMember")]
    [Authorize(Policy = Permissions.MembersWrite)]
    public static Task<IResult> Post(Guid id, CloseMemberRequest? request, EventStreams streams, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var command = new CloseMember(request.Reason, request.ExpectedVersion, streams.Now, Caller.Of(http).Actor);
        return UpdateProfileEndpoint.ChangeMember(id, streams, member => CloseMember.Decide(member, command), ct);
    }
}
