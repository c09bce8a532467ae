using NodaTime;

namespace Loyalty.Domain.Members;

/// <summary>
/// A member's profile as folded from their stream. <see cref="Version"/> counts profile changes only
/// (enrollment, updates, closure), so points movements never make a profile edit stale. <see cref="Device"/> is the
/// hash of the device they enrolled on; <see cref="ReferralCode"/> the code others enroll with to be referred.
/// </summary>
public sealed record Member(
    Guid Id,
    string ExternalId,
    MemberProfile Profile,
    int Version,
    Instant EnrolledAt,
    Instant? ClosedAt,
    string? Device = null,
    string? ReferralCode = null
)
{
    public bool Closed => ClosedAt is not null;

    public static Member? Evolve(Member? member, IMemberEvent @event) =>
        (member, @event) switch
        {
            (null, MemberEnrolled e) => new Member(e.MemberId, e.ExternalId, e.Profile, 1, e.At, null, e.Device),
            (not null, Referrals.ReferralCodeAssigned e) => member with { ReferralCode = e.Code },
            (not null, MemberProfileUpdated e) => member with { Profile = e.Profile, Version = member.Version + 1 },
            (not null, MemberClosed e) => member with { ClosedAt = e.At, Version = member.Version + 1 },
            _ => member,
        };
}
