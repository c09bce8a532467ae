using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Referrals;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Referrals;

/// <summary>A program manager's decision on a referral.</summary>
/// <param name="Decision"><c>approve</c> (a held referral may pay when due) or <c>reject</c> (it never pays).</param>
/// <param name="Reason">Why, for the audit.</param>
/// <example>{"decision":"reject","reason":"same household, confirmed by phone"}</example>
public sealed record ReviewReferralRequest([Required] string? Decision, [Required] string? Reason);

public static class ReviewReferralEndpoint
{
    /// <summary>
    /// Approves a referral held for review, or rejects one that has not paid; audited. A referral that paid, failed
    /// or was rejected already is a 409.
    /// </summary>
    [Tags("Referrals")]
    [ProducesResponseType<ReferralResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [WolverinePost("/program/referrals/{referralId}/review", OperationId = "reviewReferral")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<IResult> Post(
        Guid referralId,
        ReviewReferralRequest? request,
        IQuerySession session,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var by = Caller.Of(http).Actor;
        var command = ReviewReferral.Parse(referralId, request.Decision, request.Reason, streams.Now, by);
        var view =
            await session.LoadAsync<ReferralView>(referralId, ct)
            ?? throw new NotFound("referralId", "no such referral");
        var write = new ReviewingReferral(view, command, await programSettings.CurrentAsync(ct));
        return await streams.Respond(write, StatusCodes.Status200OK, ct);
    }
}

/// <summary>Reviewing: decided on the referral as its stream stands.</summary>
public sealed record ReviewingReferral(ReferralView View, ReviewReferral Command, ProgramSettings Program)
    : ReferralWrite(View.ReferrerId, View.Referral.ReferredId, Program, Command.By)
{
    public override IReadOnlyList<IReferralEvent> Decide(ReferralParties parties) =>
        [ReviewReferral.Decide(Command, parties.Referral)];
}
