using Loyalty.Api.Auth;
using Loyalty.Api.Campaigns;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Automations;
using Marten;
using Marten.Services.BatchQuerying;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Automations;

public static class ChangeAutomationEndpoint
{
    /// <summary>The write the request asks for: the body parsed against the program and its campaigns.</summary>
    public static async Task<ChangingAutomation> LoadAsync(
        string code,
        ChangeAutomationRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        CampaignsCache campaigns,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = ChangeAutomation.Parse(
            code,
            request.ToRules(),
            request.ExpectedVersion,
            await programSettings.CurrentAsync(ct),
            [.. await campaigns.AllAsync(ct)],
            streams.Now,
            Caller.Of(http).Actor
        );
        return new ChangingAutomation(command);
    }

    /// <summary>
    /// Sets up or changes an automation: every change, of its status too, is a new version in force from now; the
    /// same rules again change nothing. It fires only while active, at most once per member and occasion, for what
    /// comes from the day it became active. Name the version you read as <c>expectedVersion</c> (0 for a new one)
    /// to be refused with 412 when someone changed it since.
    /// </summary>
    [Tags("Automations")]
    [ProducesResponseType<AutomationResponse>(200)]
    [Refuses(400)]
    [Refuses(412)]
    [Refuses(422)]
    [WolverinePut("/program/automations/{code}", OperationId = "changeAutomation")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<IResult> Put(
        string code,
        ChangeAutomationRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        ChangingAutomation write,
        EventStreams streams,
        AutomationsCache automations,
        CancellationToken ct
    )
    {
        var answer = await streams.Respond(write, StatusCodes.Status200OK, ct);
        automations.Forget();
        return answer;
    }
}

/// <summary>Changing an automation, decided on its stream.</summary>
public sealed record ChangingAutomation(ChangeAutomation Command)
    : IStreamWrite<Automation?, AutomationChanged, AutomationResponse>
{
    public Guid StreamId => Automation.StreamIdFor(Command.Code);

    public IdempotencyKey? Key => null;

    public async Task<Current<Automation?>> Load(IBatchedQuery batch)
    {
        var events = await batch.Events.FetchStream(StreamId);
        var automation = events
            .Select(e => e.Data)
            .OfType<AutomationChanged>()
            .Aggregate((Automation?)null, Automation.Evolve);
        return new(automation, events.Count == 0 ? 0 : events[^1].Version);
    }

    public IReadOnlyList<AutomationChanged> Decide(Automation? state) => ChangeAutomation.Decide(state, Command);

    public AutomationResponse Answer(Automation? state, IReadOnlyList<AutomationChanged> events, long version) =>
        AutomationResponse.From(events.Aggregate(state, Automation.Evolve)!);
}
