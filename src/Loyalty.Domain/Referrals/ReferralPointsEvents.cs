using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>Which side of a referral a member is on.</summary>
public static class ReferralRole
{
    public const string Referrer = "referrer";
    public const string Referred = "referred";
}

/// <summary>
/// The member's referral code, given at enrollment (or when first asked for, for members enrolled before referrals),
/// or chosen by a program manager (<see cref="Vanity"/>). Earlier codes keep pointing to the member.
/// </summary>
public sealed record ReferralCodeAssigned(Guid MemberId, string Code, bool Vanity, Instant At, Actor By) : IMemberEvent;

/// <summary>
/// A referral's reward for this member, as its referrer or as the new member (<see cref="Role"/>), under the terms
/// of rules version <see cref="RulesVersion"/>. Like any credit it settles a deficit first and makes a lot of the
/// rest, available at once (the return window has passed) and expiring at <see cref="ExpiresAt"/>.
/// </summary>
public sealed record ReferralPointsEarned(
    Guid MemberId,
    Guid ReferralId,
    string Role,
    int Points,
    int DeficitSettled,
    bool Qualifying,
    Instant? ExpiresAt,
    int RulesVersion,
    Instant At,
    Actor By
) : IMemberEvent
{
    public LotSource Lot => ReferralPoints.LotOf(ReferralId, Role);

    /// <summary>What the reward counts toward tiers, when the terms make it qualifying.</summary>
    public QualifyingActivity? QualifyingActivity => Qualifying ? new(At, Points, 0, 0) : null;
}

/// <summary>
/// The referral's reward was taken back after its qualifying purchase was returned: its own lot first, then the
/// member's other lots, what they could not cover a deficit that the next credits settle. <see cref="Qualifying"/>
/// is what it took off the tier metric, counted when the reward was given.
/// </summary>
public sealed record ReferralPointsClawedBack(
    Guid MemberId,
    Guid ReferralId,
    string Role,
    int Points,
    int TakenFromBalance,
    int AddedToDeficit,
    IReadOnlyList<LotTake> Taken,
    QualifyingActivity? Qualifying,
    string Reason,
    Instant At,
    Actor By
) : IMemberEvent;
