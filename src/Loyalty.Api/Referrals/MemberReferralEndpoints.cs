using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Members;
using Loyalty.Projections.Referrals;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Referrals;

/// <summary>A vanity referral code for a member.</summary>
/// <param name="Code">4 to 20 letters and digits, not shaped like a generated code.</param>
/// <example>{"code":"ANNA2026"}</example>
public sealed record VanityCodeRequest([Required] string? Code);

/// <summary>The code of the member who referred this one, given after enrolling (before the first purchase).</summary>
/// <example>{"referralCode":"K7QM-3XH9"}</example>
public sealed record GiveReferrerRequest([Required] string? ReferralCode);

public static class MemberReferralEndpoints
{
    /// <summary>
    /// The member's referral code, the link to share it with, what their referrals came to, and the referral that
    /// brought them. Members enrolled before referrals get their code the first time it is asked for.
    /// </summary>
    [Tags("Referrals")]
    [ProducesResponseType<MemberReferralResponse>(200)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/referral", OperationId = "getMemberReferral")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<MemberReferralResponse> Get(
        Guid id,
        IQuerySession session,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        var member = await session.LoadAsync<MemberView>(id, ct) ?? throw new NotFound("id", "no such member");
        var code =
            member.ReferralCode
            ?? (await streams.Apply(new AssigningReferralCode(id, null, streams.Now, Caller.Of(http).Actor), ct))
                .Response
                .ReferralCode
            ?? throw new InvalidOperationException("every candidate code is taken");
        return await ResponseFor(id, code, session, await programSettings.CurrentAsync(ct), ct);
    }

    /// <summary>
    /// Gives the member a vanity code (program managers). Their earlier codes keep working; a code another member
    /// holds or held is a 409.
    /// </summary>
    [Tags("Referrals")]
    [ProducesResponseType<MemberReferralResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [WolverinePut("/members/{id}/referral/code", OperationId = "setVanityReferralCode")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<MemberReferralResponse> PutCode(
        Guid id,
        VanityCodeRequest? request,
        IDocumentStore store,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        var code = ReferralCode.Vanity(Body.Required(request).Code, "code");
        var write = new AssigningReferralCode(id, code, streams.Now, Caller.Of(http).Actor);
        await streams.Apply(write, ct);
        await using var session = store.QuerySession();
        return await ResponseFor(id, code, session, await programSettings.CurrentAsync(ct), ct);
    }

    /// <summary>
    /// Links the member to the member whose code they give, when they enrolled without it: the same rules as a code
    /// given at enrollment, and only before their first purchase. Idempotent: the same code again answers the same
    /// referral; a member referred already is a 409.
    /// </summary>
    [Tags("Referrals")]
    [ProducesResponseType<ReferralResponse>(201)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/referrer", OperationId = "giveReferrer")]
    [Authorize(Policy = Permissions.MembersWrite)]
    public static async Task<IResult> PostReferrer(
        Guid id,
        GiveReferrerRequest? request,
        IQuerySession session,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        var code = ReferralCode.Parse(Body.Required(request).ReferralCode, "referralCode");
        var member = await session.LoadAsync<MemberView>(id, ct) ?? throw new NotFound("id", "no such member");
        var program = await programSettings.CurrentAsync(ct);
        var referrer = await Referrers.FindAsync(session, code, program.Referrals, ct);
        var command = new MakeReferral(id, code, Referrers.SignalsOf(member), 0, streams.Now, Caller.Of(http).Actor);
        var pending = new PendingReferral(command, referrer);
        // What needs nothing more than the code is refused before the write reads anything.
        pending.Decide(program);
        var key = streams.Key($"referrer/{id}", "referralCode", request!);
        return await streams.Respond(new GivingReferrer(pending, key, program), StatusCodes.Status201Created, ct);
    }

    private static async Task<MemberReferralResponse> ResponseFor(
        Guid id,
        string code,
        IQuerySession session,
        ProgramSettings program,
        CancellationToken ct
    )
    {
        var made = await session.Query<ReferralView>().Where(v => v.ReferrerId == id).ToListAsync(ct);
        var referredBy = await session.LoadAsync<ReferralView>(Referral.StreamIdFor(id), ct);
        var link = program.Referrals.ShareLink?.Replace("{code}", Uri.EscapeDataString(code));
        var figures = ReferralFigures.Of([.. made.Select(v => v.Referral)]);
        return new(id, code, link, figures, referredBy is null ? null : ReferralResponse.From(referredBy));
    }
}

/// <summary>Making a referral for a member who enrolled without a code: decided on their purchases so far.</summary>
public sealed record GivingReferrer(PendingReferral Pending, IdempotencyKey CallerKey, ProgramSettings Program)
    : ReferralWrite(Pending.Referrer!.MemberId, Pending.Command.ReferredId, Program, Pending.Command.By, CallerKey)
{
    public override IReadOnlyList<IReferralEvent> Decide(ReferralParties parties)
    {
        if (!parties.Referred.Account.Enrolled)
            throw new NotFound("id", "no such member");
        if (parties.Referred.Account.Closed)
            throw new RuleBroken("id", "the member left the program");
        return Pending.Decide(Program, parties.Referral, parties.Referred.Account.Purchases);
    }
}
