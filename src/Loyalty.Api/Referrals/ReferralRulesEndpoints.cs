using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Referrals;

/// <summary>What one side of a referral is given once it is rewarded.</summary>
/// <param name="Points">0 to 1,000,000.</param>
/// <param name="Qualifying">Whether the points count toward tiers; false when left out.</param>
public sealed record ReferralRewardRequest([Required] int? Points, bool? Qualifying);

/// <summary>The program's referral rules; a new rule version when they change.</summary>
/// <param name="Trigger"><c>enrollment</c>, or <c>first-purchase</c> (with <c>minimumPaid</c>, in the program's
/// currency).</param>
/// <param name="MonthlyCap">Referrals rewarded per referrer per local month; left out: no cap.</param>
/// <param name="LifetimeCap">Referrals rewarded per referrer ever; left out: no cap.</param>
/// <param name="OnReturn"><c>claw-back</c> (the default) or <c>keep</c>: a reward already given when the
/// qualifying purchase is returned.</param>
/// <param name="VelocityLimit">More referrals than this by one referrer within the window are held for review
/// (default 10).</param>
/// <param name="VelocityWindowHours">The window, in hours (default 24).</param>
/// <param name="ShareLink">An https URL with <c>{code}</c> where the member's code goes.</param>
public sealed record ReferralRulesRequest(
    [Required] bool? Enabled,
    [Required] ReferralRewardRequest? Referrer,
    [Required] ReferralRewardRequest? Referred,
    [Required] string? Trigger,
    decimal? MinimumPaid,
    int? MonthlyCap,
    int? LifetimeCap,
    string? OnReturn,
    int? VelocityLimit,
    int? VelocityWindowHours,
    string? ShareLink,
    int? ExpectedRuleVersion
)
{
    public ReferralRules Rules() =>
        new(
            Enabled ?? throw new InvalidInput("enabled", "is required"),
            Side(Referrer, "referrer"),
            Side(Referred, "referred"),
            Trigger ?? throw new InvalidInput("trigger", "is required"),
            MinimumPaid,
            MonthlyCap,
            LifetimeCap,
            OnReturn ?? ReferralRules.ClawBack,
            VelocityLimit ?? ReferralRules.Off.VelocityLimit,
            VelocityWindowHours is { } hours ? Duration.FromHours(hours) : ReferralRules.Off.VelocityWindow,
            ShareLink
        );

    private static ReferralReward Side(ReferralRewardRequest? side, string field) =>
        side is null
            ? throw new InvalidInput(field, "is required")
            : new(side.Points ?? throw new InvalidInput($"{field}.points", "is required"), side.Qualifying ?? false);
}

/// <summary>The referral rules in force, as rule version <paramref name="RuleVersion"/>.</summary>
/// <param name="Currency">The currency of <paramref name="MinimumPaid"/>: the program's.</param>
public sealed record ReferralRulesResponse(
    int RuleVersion,
    bool Enabled,
    ReferralReward Referrer,
    ReferralReward Referred,
    string Trigger,
    decimal? MinimumPaid,
    string Currency,
    int? MonthlyCap,
    int? LifetimeCap,
    string OnReturn,
    int VelocityLimit,
    int VelocityWindowHours,
    string? ShareLink
)
{
    public static ReferralRulesResponse From(ProgramSettings program)
    {
        var rules = program.Referrals;
        return new(
            program.RuleVersion,
            rules.Enabled,
            rules.Referrer,
            rules.Referred,
            rules.Trigger,
            rules.MinimumPaid,
            program.Currency,
            rules.MonthlyCap,
            rules.LifetimeCap,
            rules.OnReturn,
            rules.VelocityLimit,
            (int)rules.VelocityWindow.TotalHours,
            rules.ShareLink
        );
    }
}

public static class ReferralRulesEndpoints
{
    /// <summary>The referral rules in force; off until a program manager sets them.</summary>
    [Tags("Referrals")]
    [WolverineGet("/program/referrals/rules", OperationId = "getReferralRules")]
    [Authorize(Policy = Permissions.ProgramRead)]
    public static async Task<ReferralRulesResponse> Get(ProgramSettingsCache programSettings, CancellationToken ct) =>
        ReferralRulesResponse.From(await programSettings.CurrentAsync(ct));

    /// <summary>
    /// Sets the referral rules as a new rule version. Referrals made earlier keep the terms they were made on; rules
    /// as they are record nothing.
    /// </summary>
    [Tags("Referrals")]
    [ProducesResponseType<ReferralRulesResponse>(200)]
    [Refuses(400)]
    [Refuses(412)]
    [WolverinePut("/program/referrals", OperationId = "changeReferralRules")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<IResult> Put(
        ReferralRulesRequest? request,
        EventStreams streams,
        ProgramSettingsCache cache,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = ChangeReferralRules.Parse(
            request.Rules(),
            request.ExpectedRuleVersion,
            streams.Now,
            Caller.Of(http).Actor
        );
        return await ProgramWrite.RespondAsync(new ChangingReferralRules(command), streams, cache, ct);
    }
}

/// <summary>Changing the referral rules: decided on the settings as they stand.</summary>
public sealed record ChangingReferralRules(ChangeReferralRules Command) : ProgramWrite<ReferralRulesResponse>
{
    public override IReadOnlyList<IProgramEvent> Decide(ProgramSettings settings) =>
        ChangeReferralRules.Decide(settings, Command);

    public override ReferralRulesResponse Answer(ProgramSettings after) => ReferralRulesResponse.From(after);
}
