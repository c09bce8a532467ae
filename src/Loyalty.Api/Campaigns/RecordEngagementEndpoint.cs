using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Points;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Campaigns;

/// <summary>Something the member did that the program may reward.</summary>
/// <param name="EventId">The sender's id for it, unique per member: the idempotency key.</param>
/// <param name="Type"><c>sign-in</c>, <c>share</c>, <c>review</c>, <c>profile-completed</c>, <c>app-installed</c>,
/// or a type the program names (lower-case letters, digits and hyphens).</param>
/// <param name="OccurredAt">When it happened (at most 5 minutes ahead of the service's clock).</param>
/// <param name="Attributes">Up to 20 details, as text (keys up to 50 characters, values up to 200), for campaign
/// conditions, e.g. <c>{"network":"instagram"}</c>.</param>
/// <example>{"eventId":"E-1001","type":"sign-in","occurredAt":"2026-11-24T10:00:00Z"}</example>
public sealed record RecordEngagementRequest(
    [Required] string? EventId,
    [Required] string? Type,
    [Required] Instant? OccurredAt,
    IReadOnlyDictionary<string, string?>? Attributes = null
);

/// <summary>What an engagement earned.</summary>
/// <param name="MemberId">The member.</param>
/// <param name="EventId">The engagement's id.</param>
/// <param name="Type">Its type.</param>
/// <param name="Points">The points campaigns gave for it.</param>
/// <param name="Campaigns">Each campaign's award, explained.</param>
/// <param name="Withheld">Campaigns that matched but gave nothing, and why (e.g. "limit reached: 1 time a
/// day").</param>
/// <param name="Balance">The member's balance after it.</param>
public sealed record EngagementRecordedResponse(
    Guid MemberId,
    string EventId,
    string Type,
    int Points,
    IReadOnlyList<CampaignAwardResponse> Campaigns,
    IReadOnlyList<CampaignWithheld> Withheld,
    BalanceResponse Balance
);

public static class RecordEngagementEndpoint
{
    /// <summary>The write the request asks for: the body parsed, the caller checked, the key made.</summary>
    public static async Task<RecordingEngagement> LoadAsync(
        Guid id,
        RecordEngagementRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        CampaignsCache campaigns,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var caller = Caller.Of(http);
        var command = RecordEngagement.Parse(
            request.EventId,
            request.Type,
            request.OccurredAt,
            request.Attributes,
            streams.Now,
            caller.Actor
        );
        if (caller.IsMember && !RecordEngagement.ByMembers.Contains(command.Type))
            throw new Forbidden(
                "type",
                $"a member reports only {string.Join(" and ", RecordEngagement.ByMembers)} from their app"
            );
        if (caller.IsMember && command.OccurredAt < command.RecordedAt - RecordEngagement.MemberReportsWithin)
            throw new InvalidInput("occurredAt", "a member's own engagement is reported as it happens");
        var key = streams.Key($"engagement/{id}/{command.EventId}", "eventId", request);
        var engagement = await campaigns.ForAsync(ct, CampaignTrigger.Engagement);
        return new RecordingEngagement(id, key, command, await programSettings.CurrentAsync(ct), engagement);
    }

    /// <summary>
    /// Records something the member did (signed in, shared, reviewed, …) with whatever campaigns give for it, also
    /// nothing: unknown types are recorded for campaigns to come. A campaign's limit (e.g. once a day) stops a second
    /// award and the answer says so under <c>withheld</c>. Idempotent by <c>eventId</c> per member. Member tokens may
    /// send their own <c>sign-in</c> and <c>share</c> when the program allows it.
    /// </summary>
    [Tags("Campaigns")]
    [ProducesResponseType<EngagementRecordedResponse>(201)]
    [Refuses(400)]
    [Refuses(403)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/engagements", OperationId = "recordEngagement")]
    [Authorize(Policy = Permissions.EngagementWrite)]
    public static Task<IResult> Post(
        Guid id,
        RecordEngagementRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        RecordingEngagement write,
        EventStreams streams,
        CancellationToken ct
    ) => streams.Respond(write, StatusCodes.Status201Created, ct);
}

/// <summary>Recording an engagement: decided on the member's account and the budgets of engagement campaigns.</summary>
public sealed record RecordingEngagement(
    Guid MemberId,
    IdempotencyKey Key,
    RecordEngagement Command,
    ProgramSettings Program,
    IReadOnlyList<Campaign> EngagementCampaigns
) : MemberWrite<NoRecord, EngagementRecordedResponse>(MemberId, Key)
{
    protected override IEnumerable<string> CampaignCodes => EngagementCampaigns.Select(c => c.Code);

    public override IReadOnlyList<IMemberEvent> Decide(MemberState<NoRecord> state)
    {
        var decided = RecordEngagement.Decide(state.Account, Program, EngagementCampaigns, state.BudgetLeft, Command);
        return TierQualification.Following(state.Account, decided, Program, Command.RecordedAt, Command.By);
    }

    public override EngagementRecordedResponse Answer(MemberWritten<NoRecord> written)
    {
        var awards = CampaignAwardResponse.Of(written.Events);
        // The decision is pure: asked again on the same state, it names the same campaigns it withheld.
        var before = written.Before;
        var occasion = RecordEngagement.OccasionOf(written.Events.OfType<EngagementRecorded>().Single());
        var withheld = CampaignAwards
            .Decide(occasion, before.Account, Program, EngagementCampaigns, before.BudgetLeft)
            .Withheld;
        return new(
            MemberId,
            Command.EventId,
            Command.Type,
            awards.Sum(a => a.Points),
            awards,
            withheld,
            written.Balance(Program, Command.RecordedAt)
        );
    }
}
