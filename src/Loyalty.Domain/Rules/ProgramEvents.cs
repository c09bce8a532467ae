using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Rules;

/// <summary>Every event of the program stream.</summary>
public interface IProgramEvent
{
    /// <summary>When the change was made, and took effect (tier rules name their own effective date besides).</summary>
    Instant At { get; }
}

/// <summary>How many points a purchase earns: <see cref="Points"/> for every <see cref="PerAmount"/> paid.</summary>
public sealed record EarnRate(decimal Points, decimal PerAmount);

/// <summary>
/// The program's settings took effect as rule version <see cref="RuleVersion"/>. Every earning names the
/// rule version it used, so this event explains it years later. Fields that came later read, in events stored
/// before them, as what the program did then: <see cref="MembersMayRedeem"/> false, no pending period, points
/// that never expire (<see cref="Expiry"/> null), no paying with points (<see cref="PointValue"/> null), no
/// engagements sent by members themselves (<see cref="MembersMaySendEngagements"/> false).
/// </summary>
public sealed record ProgramSettingsChanged(
    int RuleVersion,
    string Currency,
    string TimeZone,
    EarnRate EarnRate,
    string Rounding,
    Instant At,
    Actor By,
    bool MembersMayRedeem = false,
    int PendingDays = 0,
    ExpiryPolicy? Expiry = null,
    PointValue? PointValue = null,
    bool MembersMaySendEngagements = false,
    decimal? ExpectedRedemptionRate = null,
    Insight.LifecycleThresholds? Lifecycle = null
) : IProgramEvent;

/// <summary>
/// New tier rules, rule version <see cref="RuleVersion"/>, in force from <see cref="EffectiveFrom"/>: upgrades and
/// reviews from then on use them; nothing earlier is recounted.
/// </summary>
public sealed record TierRulesChanged(
    int RuleVersion,
    Tiers.TierRules Rules,
    Instant EffectiveFrom,
    Instant At,
    Actor By
) : IProgramEvent;

/// <summary>
/// The paid membership plans and the grace after a failed payment, as rule version <see cref="RuleVersion"/>.
/// </summary>
public sealed record MembershipPlansChanged(
    int RuleVersion,
    IReadOnlyList<Memberships.MembershipPlan> Plans,
    int GraceDays,
    Instant At,
    Actor By
) : IProgramEvent;
