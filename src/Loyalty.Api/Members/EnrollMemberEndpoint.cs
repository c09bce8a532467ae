using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Campaigns;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Campaigns;
using Loyalty.Projections.Members;
using Marten;
using Marten.Services.BatchQuerying;
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
    string? TimeZone
);

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
    public static async Task<IResult> Post(
        EnrollMemberRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        CampaignsCache campaigns,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var program = await programSettings.CurrentAsync(ct);
        var enrolled = EnrollMember.Decide(
            EnrollMember.Parse(
                Guid.CreateVersion7(),
                request.ExternalId,
                request.Name,
                request.Email,
                request.Phone,
                request.Birthday,
                request.TimeZone,
                program.TimeZone,
                streams.Now,
                Caller.Of(http).Actor
            )
        );
        var key = streams.Key($"enrollment/{enrolled.ExternalId}", "externalId", request);
        var member = MemberViewProjection.From(Member.Evolve(null, enrolled)!);
        var welcome = await campaigns.ForAsync(ct, CampaignTrigger.Enrollment);
        var write = new EnrollingMember(key, enrolled, member, program, welcome);
        return await streams.Respond(write, StatusCodes.Status201Created, ct, id => $"/members/{id}");
    }
}

/// <summary>
/// Enrolling: the member's stream starts with the enrolment, and whatever welcome campaigns give follows in the same
/// write.
/// </summary>
public sealed record EnrollingMember(
    IdempotencyKey Key,
    MemberEnrolled Enrolled,
    MemberView Member,
    ProgramSettings Program,
    IReadOnlyList<Campaign> Welcome
) : IStreamWrite<IReadOnlyDictionary<string, long>, IMemberEvent, MemberView>
{
    public Guid StreamId => Enrolled.MemberId;

    IdempotencyKey? IStreamWrite<IReadOnlyDictionary<string, long>, IMemberEvent, MemberView>.Key => Key;

    public async Task<Current<IReadOnlyDictionary<string, long>>> Load(IBatchedQuery batch) =>
        new(await CampaignBudgets.LoadLeft(batch, Welcome.Select(c => c.Code)), 0);

    public IReadOnlyList<IMemberEvent> Decide(IReadOnlyDictionary<string, long> budgetLeft) =>
        WelcomeBonus.Following(Enrolled, Program, Welcome, budgetLeft);

    public MemberView Answer(
        IReadOnlyDictionary<string, long> budgetLeft,
        IReadOnlyList<IMemberEvent> events,
        long version
    ) => Member;

    public Task Enlist(
        IDocumentSession session,
        IReadOnlyDictionary<string, long> budgetLeft,
        IReadOnlyList<IMemberEvent> events,
        CancellationToken ct
    )
    {
        CampaignBudgets.Spend(session, Enrolled.MemberId, events);
        return Task.CompletedTask;
    }
}
