using JasperFx.Events;
using Loyalty.Domain.Members;
using Marten.Events.Aggregation;
using NodaTime;

namespace Loyalty.Projections.Members;

/// <summary>
/// A member's profile as support and apps read it. <see cref="ProfileVersion"/> is what a profile edit must
/// name as its <c>expectedVersion</c>; points movements do not change it. (Not called "Version": Marten
/// would fill a property of that name with the stream version.)
/// </summary>
public sealed record MemberView(
    Guid Id,
    string ExternalId,
    string Name,
    string? Email,
    string? Phone,
    LocalDate? Birthday,
    string TimeZone,
    int ProfileVersion,
    Instant EnrolledAt,
    Instant? ClosedAt)
{
    public string Status => ClosedAt is null ? "active" : "closed";

    public Member ToMember() => new(Id, ExternalId, new MemberProfile(Name, Email, Phone, Birthday, TimeZone), ProfileVersion, EnrolledAt, ClosedAt);
}

/// <summary>Inline, folding the same <see cref="Member.Evolve"/> the decisions use.</summary>
public sealed class MemberViewProjection : SingleStreamProjection<MemberView, Guid>
{
    public MemberViewProjection()
    {
        // Only profile events: a points movement then costs this projection nothing.
        IncludeType<MemberEnrolled>();
        IncludeType<MemberProfileUpdated>();
        IncludeType<MemberClosed>();
    }

    public override MemberView? Evolve(MemberView? snapshot, Guid id, IEvent e)
    {
        if (e.Data is not (MemberEnrolled or MemberProfileUpdated or MemberClosed)) return snapshot;
        var member = Member.Evolve(snapshot?.ToMember(), (IMemberEvent)e.Data);
        return member is null ? snapshot : From(member);
    }

    public static MemberView From(Member m) => new(m.Id, m.ExternalId, m.Profile.Name, m.Profile.Email, m.Profile.Phone,
        m.Profile.Birthday, m.Profile.TimeZone, m.Version, m.EnrolledAt, m.ClosedAt);

}
