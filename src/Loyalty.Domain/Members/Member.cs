using NodaTime;

namespace Loyalty.Domain.Members;

/// <summary>
/// A member's profile as folded from their stream. <see cref="Version"/> counts profile changes only
/// (enrollment, updates, closure), so points movements never make a profile edit stale.
/// </summary>
public sealed record Member(
    Guid Id,
    string ExternalId,
    MemberProfile Profile,
    int Version,
    Instant EnrolledAt,
    Instant? ClosedAt
)
{
    public bool Closed => ClosedAt is not null;

    public static Member? Evolve(Member? member, IMemberEvent @event) =>
        (member, @event) switch
        {
            (null, MemberEnrolled e) => new Member(e.MemberId, e.ExternalId, e.Profile, 1, e.At, null),
            (not null, MemberProfileUpdated e) => member with { Profile = e.Profile, Version = member.Version + 1 },
            (not null, MemberClosed e) => member with { ClosedAt = e.At, Version = member.Version + 1 },
            _ => member,
        };
}
