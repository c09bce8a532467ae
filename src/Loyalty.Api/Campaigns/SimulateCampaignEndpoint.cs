using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Projections.Campaigns;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Campaigns;

/// <summary>A past period to replay a campaign over.</summary>
/// <param name="From">Start of the period (inclusive).</param>
/// <param name="Until">End of the period (exclusive), at most 366 days after <c>from</c> and not in the future.</param>
/// <param name="Campaign">The campaign to try, as a change would set it; left out, the campaign's current
/// version.</param>
/// <example>{"from":"2026-10-01T00:00:00Z","until":"2026-11-01T00:00:00Z"}</example>
public sealed record SimulateCampaignRequest(
    [Required] Instant? From,
    [Required] Instant? Until,
    ChangeCampaignRequest? Campaign = null
);

/// <summary>What the campaign would have given over the period; nothing was recorded.</summary>
/// <param name="Code">The campaign.</param>
/// <param name="From">Start of the period.</param>
/// <param name="Until">End of the period.</param>
/// <param name="Occasions">Purchases, engagements or enrolments of the period its trigger looked at.</param>
/// <param name="Members">Members it would have given to.</param>
/// <param name="Awards">Awards it would have given.</param>
/// <param name="Points">Points it would have given, within its limits and budget.</param>
/// <param name="Withheld">Awards its limits or budget would have stopped, by reason.</param>
public sealed record CampaignSimulationResponse(
    string Code,
    Instant From,
    Instant Until,
    int Occasions,
    int Members,
    int Awards,
    long Points,
    IReadOnlyDictionary<string, int> Withheld
);

public static class SimulateCampaignEndpoint
{
    public static readonly Duration MaxPeriod = Duration.FromDays(366);

    private static readonly Actor Simulation = Actor.System("simulation");

    /// <summary>
    /// Replays a draft or changed campaign (or the current one) over the purchases, engagements or enrolments of a
    /// past period, from the event store, each member's account as it stood then, and answers how many members and
    /// points it would have given within its limits and budget. Records nothing. Birthday campaigns are not replayed.
    /// It reads the streams of every member with an occasion in the period: keep periods short on large programs.
    /// </summary>
    [Tags("Campaigns")]
    [ProducesResponseType<CampaignSimulationResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(422)]
    [WolverinePost("/program/campaigns/{code}/simulate", OperationId = "simulateCampaign")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<CampaignSimulationResponse> Post(
        string code,
        SimulateCampaignRequest? request,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var (from, until) = Period(request, clock.GetCurrentInstant());
        var program = await programSettings.CurrentAsync(ct);
        var rules = await RulesOf(code, request, session, program, clock, ct);
        if (rules.Trigger.Kind == CampaignTrigger.Birthday)
            throw new RuleBroken("trigger.kind", "birthday campaigns are not replayed");
        var streams = await StreamsOf(session, rules.Trigger.Kind, from, until, ct);
        var result = CampaignSimulation.Run(rules, from, until, program, streams);
        return new(code, from, until, result.Occasions, result.Members, result.Awards, result.Points, result.Withheld);
    }

    private static (Instant From, Instant Until) Period(SimulateCampaignRequest request, Instant now)
    {
        var from = request.From ?? throw new InvalidInput("from", "is required");
        var until = request.Until ?? throw new InvalidInput("until", "is required");
        if (until <= from)
            throw new InvalidInput("until", "must be after from");
        if (until - from > MaxPeriod)
            throw new InvalidInput("until", "at most 366 days after from");
        if (until > now)
            throw new InvalidInput("until", "is in the future: a simulation replays what happened");
        return (from, until);
    }

    private static async Task<CampaignRules> RulesOf(
        string code,
        SimulateCampaignRequest request,
        IQuerySession session,
        Domain.Rules.ProgramSettings program,
        IClock clock,
        CancellationToken ct
    )
    {
        if (request.Campaign is { } draft)
        {
            // the draft's refusals name its fields under "campaign"
            try
            {
                var rules = draft.ToRules(program);
                return ChangeCampaign.Parse(code, rules, null, program, clock.GetCurrentInstant(), Simulation).Rules;
            }
            catch (InvalidInput e)
            {
                throw new InvalidInput($"campaign.{e.Field}", e.Reason);
            }
            catch (RuleBroken e)
            {
                throw new RuleBroken($"campaign.{e.Field}", e.Reason);
            }
        }
        var view =
            await session.LoadAsync<CampaignView>(Campaign.StreamIdFor(code), ct)
            ?? throw new NotFound("code", "no such campaign: send one as campaign");
        return view.Campaign.Current.Rules;
    }

    /// <summary>How late an occasion may have been recorded after it happened and still be replayed.</summary>
    public static readonly Duration RecordedWithin = Duration.FromDays(7);

    /// <summary>
    /// The streams of the members with an occasion for the trigger recorded in the period (or up to
    /// <see cref="RecordedWithin"/> after it: the simulation keeps those that happened in it).
    /// </summary>
    private static async Task<IReadOnlyDictionary<Guid, IReadOnlyList<IMemberEvent>>> StreamsOf(
        IQuerySession session,
        string trigger,
        Instant from,
        Instant until,
        CancellationToken ct
    )
    {
        var type = trigger switch
        {
            CampaignTrigger.Engagement => typeof(EngagementRecorded),
            CampaignTrigger.Enrollment => typeof(MemberEnrolled),
            _ => typeof(PointsEarned),
        };
        var (start, end) = (from.ToDateTimeOffset(), (until + RecordedWithin).ToDateTimeOffset());
        var members = await session
            .Events.QueryAllRawEvents()
            .Where(e => e.EventTypesAre(type) && e.Timestamp >= start && e.Timestamp < end)
            .Select(e => e.StreamId)
            .Distinct()
            .ToListAsync(ct);
        var streams = new Dictionary<Guid, IReadOnlyList<IMemberEvent>>();
        foreach (var member in members)
        {
            var stream = await session.Events.FetchStreamAsync(member, token: ct);
            streams[member] = stream.Select(e => e.Data).OfType<IMemberEvent>().ToList();
        }
        return streams;
    }
}
