using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Automations;
using Loyalty.Domain.Common;
using Loyalty.Projections.Balances;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Automations;

/// <summary>A member an automation would reach.</summary>
/// <param name="MemberId">The member.</param>
/// <param name="Occurrence">What it would fire for, once: e.g. <c>birthday/2027</c>,
/// <c>stage/dormant/2027-03-01</c>.</param>
/// <param name="On">The local day the occasion came.</param>
/// <param name="Amount">Points expiring, or missing of the tier's metric, for those triggers.</param>
public sealed record AutomationReach(Guid MemberId, string Occurrence, LocalDate On, decimal? Amount);

/// <summary>Whom an automation would reach today, recording nothing.</summary>
/// <param name="Code">The automation.</param>
/// <param name="Version">The version tried: the current one.</param>
/// <param name="At">When it was tried.</param>
/// <param name="Reached">How many members it would reach.</param>
/// <param name="Members">The first of them (up to <c>limit</c>), by member id.</param>
public sealed record AutomationDryRunResponse(
    string Code,
    int Version,
    Instant At,
    int Reached,
    IReadOnlyList<AutomationReach> Members
);

public static class DryRunAutomationEndpoint
{
    public const int DefaultLimit = 100,
        MaxLimit = 1000;

    /// <summary>
    /// Whom the automation's current version would reach today, whatever its status, recording nothing: the members
    /// with an occasion that came today (in the program's zone; the member's for birthdays), for whom the condition
    /// holds and it has not fired yet. <c>limit</c> (1 to 1000, default 100) caps the members listed, not the count.
    /// </summary>
    [Tags("Automations")]
    [ProducesResponseType<AutomationDryRunResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [WolverineGet("/program/automations/{code}/dry-run", OperationId = "dryRunAutomation")]
    [Authorize(Policy = Permissions.InsightRead)]
    public static async Task<AutomationDryRunResponse> Get(
        string code,
        int? limit,
        IQuerySession session,
        IDocumentStore store,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        CancellationToken ct
    )
    {
        if (limit is < 1 or > MaxLimit)
            throw new InvalidInput("limit", $"must be between 1 and {MaxLimit}");
        var automation = (await ReadAutomationsEndpoints.Find(session, code, ct)).Automation;
        var (rules, now) = (automation.Current.Rules, streams.Now);
        var program = await programSettings.CurrentAsync(ct);
        var candidates = await AutomationCandidates.ForAsync(session, rules.Trigger, now, ct);
        var profiles = await AutomationCandidates.ProfilesAsync(store, candidates, [automation], ct);
        AutomationReach? Reach(MemberBalance balance) =>
            FireAutomations.Due(
                automation.Code,
                rules,
                balance.ToAccount(),
                profiles.GetValueOrDefault(balance.Id),
                program,
                null,
                now
            )
                is { } due
                ? new(balance.Id, due.Key, due.On, due.Amount)
                : null;
        var reached = new List<AutomationReach>();
        foreach (var chunk in candidates.Chunk(1000))
            reached.AddRange(
                (await session.LoadManyAsync<MemberBalance>(ct, chunk)).Select(Reach).OfType<AutomationReach>()
            );
        var listed = reached.OrderBy(r => r.MemberId).Take(limit ?? DefaultLimit).ToList();
        return new(automation.Code, automation.Version, now, reached.Count, listed);
    }
}
