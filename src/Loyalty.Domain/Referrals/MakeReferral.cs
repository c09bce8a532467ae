using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>What the referral decision needs to know of the member whose code was given.</summary>
public sealed record ReferrerFacts(
    Guid MemberId,
    bool Closed,
    ReferralSignals Signals,
    IReadOnlyList<Instant> RecentReferrals
);

/// <summary>A new member enrolls with another member's referral code.</summary>
public sealed record MakeReferral(
    Guid ReferredId,
    string Code,
    ReferralSignals Signals,
    int ReferredPurchases,
    Instant At,
    Actor By
)
{
    public const string Velocity = "velocity";

    /// <summary>
    /// The referral, held for review when the two members share a signal or the referrer refers too fast. With the
    /// enrollment as trigger it qualifies at once, due at once: there is no purchase to wait for.
    /// </summary>
    public static IReadOnlyList<IReferralEvent> Decide(
        MakeReferral cmd,
        ReferrerFacts? referrer,
        Referral? existing,
        ReferralRules rules,
        int rulesVersion,
        int pendingDays,
        string currency
    )
    {
        if (!rules.Enabled)
            throw new RuleBroken("referralCode", "the program takes no referrals");
        if (referrer is null)
            throw new RuleBroken("referralCode", "belongs to no member");
        if (referrer.MemberId == cmd.ReferredId)
            throw new RuleBroken("referralCode", "is the member's own");
        if (referrer.Closed)
            throw new RuleBroken("referralCode", "belongs to a member who left the program");
        if (cmd.ReferredPurchases > 0)
            throw new RuleBroken("referralCode", "comes after the member's first purchase");
        if (existing is not null)
            throw new Conflict("referralCode", "the member was referred already");

        var id = Referral.StreamIdFor(cmd.ReferredId);
        var terms = ReferralTerms.Of(rules, rulesVersion, pendingDays, currency);
        var events = new List<IReferralEvent>
        {
            new ReferralMade(id, referrer.MemberId, cmd.ReferredId, cmd.Code, terms, cmd.At, cmd.By),
        };
        var reasons = SelfReferral.Shared(referrer.Signals, cmd.Signals).ToList();
        if (SelfReferral.TooFast(referrer.RecentReferrals, cmd.At, rules.VelocityLimit, rules.VelocityWindow))
            reasons.Add(Velocity);
        if (reasons.Count > 0)
            events.Add(new ReferralHeld(id, reasons, cmd.At));
        if (rules.Trigger == ReferralRules.Enrollment)
            events.Add(new ReferralQualified(id, null, null, cmd.At, cmd.At));
        return events;
    }
}
