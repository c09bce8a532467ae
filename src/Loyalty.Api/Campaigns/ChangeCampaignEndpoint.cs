using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Campaigns;
using Loyalty.Projections.Campaigns;
using Marten;
using Marten.Services.BatchQuerying;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Campaigns;

public static class ChangeCampaignEndpoint
{
    /// <summary>
    /// The write the request asks for: the body parsed against the program, the other campaigns read.
    /// </summary>
    public static async Task<ChangingCampaign> LoadAsync(
        string code,
        ChangeCampaignRequest? request,
        EventStreams streams,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var program = await programSettings.CurrentAsync(ct);
        var command = ChangeCampaign.Parse(
            code,
            request.ToRules(program),
            request.ExpectedVersion,
            program,
            streams.Now,
            Caller.Of(http).Actor
        );
        var others = await session.Query<CampaignView>().Where(c => c.Code != command.Code).ToListAsync(ct);
        return new ChangingCampaign(command, others.Select(o => o.Campaign).ToList());
    }

    /// <summary>
    /// Sets up or changes a campaign. A change of rules is a new version in force from now; a change of status alone
    /// is a pause, a resumption or the end (final). The same rules again change nothing. Name the version you read as
    /// <c>expectedVersion</c> (0 for a new campaign) to be refused with 412 when someone changed it since.
    /// </summary>
    [Tags("Campaigns")]
    [ProducesResponseType<CampaignResponse>(200)]
    [Refuses(400)]
    [Refuses(412)]
    [Refuses(422)]
    [WolverinePut("/program/campaigns/{code}", OperationId = "changeCampaign")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<IResult> Put(
        string code,
        ChangeCampaignRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        ChangingCampaign write,
        EventStreams streams,
        CampaignsCache campaigns,
        CancellationToken ct
    )
    {
        var answer = await streams.Respond(write, StatusCodes.Status200OK, ct);
        campaigns.Forget();
        return answer;
    }
}

/// <summary>What a campaign change decides on: the campaign as it stands, and its budget.</summary>
public sealed record CampaignState(Campaign? Campaign, CampaignBudget? Budget);

/// <summary>Changing a campaign: decided on its stream, its budget and the other campaigns.</summary>
public sealed record ChangingCampaign(ChangeCampaign Command, IReadOnlyList<Campaign> Others)
    : IStreamWrite<CampaignState, ICampaignEvent, CampaignResponse>
{
    public Guid StreamId => Campaign.StreamIdFor(Command.Code);

    public IdempotencyKey? Key => null;

    public async Task<Current<CampaignState>> Load(IBatchedQuery batch)
    {
        var stream = batch.Events.FetchStream(StreamId);
        var slices = batch.LoadMany<CampaignBudgetSlice>().ById(CampaignBudgetSlice.IdsFor(Command.Code));
        var events = await stream;
        var campaign = events.Select(e => e.Data).OfType<ICampaignEvent>().Aggregate((Campaign?)null, Campaign.Evolve);
        var budget = CampaignBudget.Of(await slices).Values.SingleOrDefault();
        return new(new(campaign, budget), events.Count == 0 ? 0 : events[^1].Version);
    }

    public IReadOnlyList<ICampaignEvent> Decide(CampaignState state) =>
        ChangeCampaign.Decide(state.Campaign, Others, state.Budget?.Used ?? 0, Command);

    public CampaignResponse Answer(CampaignState state, IReadOnlyList<ICampaignEvent> events, long version)
    {
        var after = events.Aggregate(state.Campaign, Campaign.Evolve)!;
        var budget = Command.Rules.Budget is { } limit
            ? new CampaignBudget(Command.Code, limit, state.Budget?.Used ?? 0)
            : null;
        return CampaignResponse.From(after, budget);
    }

    /// <summary>A change of rules sets the budget with it.</summary>
    public Task Enlist(
        IDocumentSession session,
        CampaignState state,
        IReadOnlyList<ICampaignEvent> events,
        CancellationToken ct
    ) =>
        events.OfType<CampaignChanged>().Any()
            ? CampaignBudgets.SetAsync(session, Command.Code, Command.Rules.Budget, ct)
            : Task.CompletedTask;
}
