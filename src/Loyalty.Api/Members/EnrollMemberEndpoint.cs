using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Campaigns;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Referrals;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using Loyalty.Domain.Referrals;
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
/// <param name="ReferralCode">The code of the member who referred them: links the two (an unknown or mistyped code is
/// a 422 and nothing is enrolled).</param>
/// <param name="DeviceId">The id of the device they enroll on, for the referral fraud controls; only a hash is
/// kept.</param>
/// <example>
/// {"externalId":"card-4711","name":"Ada Lovelace","email":"ada@example.com","birthday":"1990-12-10"}
/// </example>
public sealed record EnrollMemberRequest(
    [Required] string? ExternalId,
    [Required] string? Name,
    string? Email,
    string? Phone,
    LocalDate? Birthday,
    string? TimeZone,
    string? ReferralCode = null,
    string? DeviceId = null
);

public static class EnrollMemberEndpoint
{
    /// <summary>
    /// Enrolls a member under the caller's unique <c>externalId</c>. The same enrollment again answers with
    /// the member it made (header <c>Idempotent-Replay: true</c>); the same externalId with other data is a 409.
    /// The member is given a referral code; with a <c>referralCode</c> the referral is made in the same transaction.
    /// </summary>
    [Tags("Members")]
    [ProducesResponseType<Loyalty.Projections.Members.MemberView>(201)]
    [Refuses(400)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [Locates(201)]
    [WolverinePost("/members", OperationId = "enrollMember")]
    [Authorize(Policy = Permissions.MembersWrite)]
    public static async Task<IResult> Post(
        EnrollMemberRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        CampaignsCache campaigns,
        IQuerySession session,
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
                Caller.Of(http).Actor,
                request.DeviceId
            )
        );
        var key = streams.Key($"enrollment/{enrolled.ExternalId}", "externalId", request);
        var welcome = await campaigns.ForAsync(ct, CampaignTrigger.Enrollment);
        var referral = await ReferralFor(request.ReferralCode, enrolled, program, session, ct);
        var write = new EnrollingMember(key, enrolled, program, welcome, referral);
        return await streams.Respond(write, StatusCodes.Status201Created, ct, id => $"/members/{id}");
    }

    private static async Task<PendingReferral?> ReferralFor(
        string? typed,
        MemberEnrolled enrolled,
        ProgramSettings program,
        IQuerySession session,
        CancellationToken ct
    )
    {
        if (typed is null)
            return null;
        var code = ReferralCode.Parse(typed, "referralCode");
        var referrer = await Referrers.FindAsync(session, code, program.Referrals, ct);
        var view = MemberViewProjection.From(Member.Evolve(null, enrolled)!);
        var signals = Referrers.SignalsOf(view);
        return new(new MakeReferral(enrolled.MemberId, code, signals, 0, enrolled.At, enrolled.By), referrer);
    }
}

/// <summary>What an enrollment decides on: the welcome campaigns' budgets, who holds the new member's codes.</summary>
public sealed record EnrollmentState(
    IReadOnlyDictionary<string, long> BudgetLeft,
    IReadOnlyDictionary<string, Guid> CodeHolders
);

/// <summary>
/// Enrolling: the member's stream starts with the enrolment, whatever welcome campaigns give and the member's referral
/// code follow in the same write, and the referral (on a stream of its own) commits with it.
/// </summary>
public sealed record EnrollingMember(
    IdempotencyKey Key,
    MemberEnrolled Enrolled,
    ProgramSettings Program,
    IReadOnlyList<Campaign> Welcome,
    PendingReferral? Referral
) : IStreamWrite<EnrollmentState, IMemberEvent, MemberView>
{
    public Guid StreamId => Enrolled.MemberId;

    IdempotencyKey? IStreamWrite<EnrollmentState, IMemberEvent, MemberView>.Key => Key;

    public async Task<Current<EnrollmentState>> Load(IBatchedQuery batch)
    {
        var budgets = CampaignBudgets.LoadLeft(batch, Welcome.Select(c => c.Code));
        var candidates = Enumerable.Range(0, AssignReferralCode.Attempts).Select(i => ReferralCode.For(StreamId, i));
        var holders = ReferralCodes.LoadHolders(batch, candidates);
        return new(new(await budgets, await holders), 0);
    }

    /// <summary>The referral is decided here too, so that a refused code refuses the enrollment.</summary>
    public IReadOnlyList<IMemberEvent> Decide(EnrollmentState state)
    {
        Referral?.Decide(Program);
        var code = AssignReferralCode.Generated(
            StreamId,
            null,
            state.CodeHolders.ContainsKey,
            Enrolled.At,
            Enrolled.By
        );
        return [.. WelcomeBonus.Following(Enrolled, Program, Welcome, state.BudgetLeft), .. code];
    }

    public MemberView Answer(EnrollmentState state, IReadOnlyList<IMemberEvent> events, long version) =>
        MemberViewProjection.From(events.Aggregate((Member?)null, Member.Evolve)!);

    public Task Enlist(
        IDocumentSession session,
        EnrollmentState state,
        IReadOnlyList<IMemberEvent> events,
        CancellationToken ct
    )
    {
        CampaignBudgets.Spend(session, Enrolled.MemberId, events);
        ReferralCodes.Hold(session, state.CodeHolders, events);
        if (Referral?.Decide(Program) is { } referral)
            session.Events.StartStream(Domain.Referrals.Referral.StreamIdFor(StreamId), referral.ToArray<object>());
        return Task.CompletedTask;
    }
}
