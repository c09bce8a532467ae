using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>What one side of a referral is given once it is rewarded: points, qualifying toward tiers or not.</summary>
public sealed record ReferralReward(int Points, bool Qualifying);

/// <summary>
/// A program's referral rules, one version of them. A referral is decided by the version in force when it was
/// made; its reward events carry their points, so a later version never changes what an earlier referral gave.
/// </summary>
/// <param name="Trigger"><see cref="Enrollment"/> or <see cref="FirstPurchase"/>.</param>
/// <param name="MinimumPaid">For a first-purchase trigger: what the purchase must have paid, in the program's
/// currency.</param>
/// <param name="MonthlyCap">Referrals rewarded per referrer per local month; none for no cap.</param>
/// <param name="LifetimeCap">Referrals rewarded per referrer ever; none for no cap.</param>
/// <param name="OnReturn">After the reward: <see cref="ClawBack"/> (through the ledger's deficit rule) or
/// <see cref="Keep"/>, when the qualifying purchase is returned below the minimum.</param>
/// <param name="VelocityLimit">More referrals than this by one referrer within <paramref name="VelocityWindow"/>
/// are held for review.</param>
/// <param name="ShareLink">A URL with <c>{code}</c> where the member's code goes.</param>
public sealed record ReferralRules(
    bool Enabled,
    ReferralReward Referrer,
    ReferralReward Referred,
    string Trigger,
    decimal? MinimumPaid,
    int? MonthlyCap,
    int? LifetimeCap,
    string OnReturn,
    int VelocityLimit,
    Duration VelocityWindow,
    string? ShareLink
)
{
    public const string Enrollment = "enrollment";
    public const string FirstPurchase = "first-purchase";
    public const string ClawBack = "claw-back";
    public const string Keep = "keep";
    public const int MaxPoints = 1_000_000;

    public static readonly ReferralRules Off = new(
        false,
        new(0, false),
        new(0, false),
        FirstPurchase,
        null,
        null,
        null,
        ClawBack,
        10,
        Duration.FromDays(1),
        null
    );

    /// <summary>The share link for <paramref name="code"/>, when the program has one.</summary>
    public string? LinkFor(string code) => ShareLink?.Replace("{code}", Uri.EscapeDataString(code));

    /// <summary>Checks each rule, naming the field that breaks it.</summary>
    public static ReferralRules Check(ReferralRules rules)
    {
        Reward(rules.Referrer, "referrer.points");
        Reward(rules.Referred, "referred.points");
        if (rules.Trigger is not (Enrollment or FirstPurchase))
            throw new InvalidInput("trigger", $"must be {Enrollment} or {FirstPurchase}");
        if (rules.MinimumPaid is { } minimum && (minimum < 0 || rules.Trigger != FirstPurchase))
            throw new InvalidInput("minimumPaid", $"must be 0 or more, and only with the {FirstPurchase} trigger");
        if (rules.MonthlyCap is < 1)
            throw new InvalidInput("monthlyCap", "must be 1 or more, or left out for no cap");
        if (rules.LifetimeCap is < 1)
            throw new InvalidInput("lifetimeCap", "must be 1 or more, or left out for no cap");
        if (rules.MonthlyCap > rules.LifetimeCap)
            throw new InvalidInput("monthlyCap", "must not be above lifetimeCap");
        if (rules.OnReturn is not (ClawBack or Keep))
            throw new InvalidInput("onReturn", $"must be {ClawBack} or {Keep}");
        if (rules.VelocityLimit < 1)
            throw new InvalidInput("velocityLimit", "must be 1 or more");
        if (rules.VelocityWindow <= Duration.Zero || rules.VelocityWindow > Duration.FromDays(366))
            throw new InvalidInput("velocityWindowHours", "must be from 1 hour to 366 days");
        if (rules.ShareLink is { } link && !IsShareLink(link))
            throw new InvalidInput("shareLink", "must be an absolute https URL with {code} in it");
        if (rules.Enabled && rules.Referrer.Points == 0 && rules.Referred.Points == 0)
            throw new InvalidInput("referrer.points", "or referred.points must be more than 0 while enabled");
        return rules;
    }

    private static void Reward(ReferralReward reward, string field)
    {
        if (reward.Points is < 0 or > MaxPoints)
            throw new InvalidInput(field, $"must be from 0 to {MaxPoints}");
    }

    private static bool IsShareLink(string link) =>
        link.Contains("{code}")
        && Uri.TryCreate(link.Replace("{code}", "CODE"), UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps;
}
