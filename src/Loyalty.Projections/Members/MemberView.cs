using JasperFx.Events;
using Loyalty.Domain.Members;
using Loyalty.Domain.Referrals;
using Marten.Events.Aggregation;
using NodaTime;

namespace Loyalty.Projections.Members;

/// <summary>A member's profile as support and apps read it.</summary>
/// <param name="Id">Our id for the member.</param>
/// <param name="ExternalId">The caller's unique id for the member (a card number).</param>
/// <param name="Birthday">The member's birthday, when given.</param>
/// <param name="TimeZone">The member's IANA time zone, for birthdays and their local dates.</param>
/// <param name="ProfileVersion">What a profile edit names as <c>expectedVersion</c>; points do not change it.</param>
/// <param name="EnrolledAt">When the member was enrolled.</param>
/// <param name="ClosedAt">When the member was closed; null while active.</param>
// Not called "Version": Marten would fill a property of that name with the stream version.
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
    Instant? ClosedAt,
    string? Device = null,
    string? ReferralCode = null
)
{
    public string Status => ClosedAt is null ? "active" : "closed";

    /// <summary>
    /// The birthday as month × 100 + day (indexed): the birthday job finds the members whose day is near.
    /// </summary>
    public int? BirthdayMonthDay { get; init; } = Birthday is { } day ? day.Month * 100 + day.Day : null;

    // Columns: the KPIs count members joined and left by period without reading the documents.
    public long EnrolledAtUnixMilliseconds { get; init; } = EnrolledAt.ToUnixTimeMilliseconds();

    public long? ClosedAtUnixMilliseconds { get; init; } = ClosedAt?.ToUnixTimeMilliseconds();

    public Member ToMember() =>
        new(
            Id,
            ExternalId,
            new MemberProfile(Name, Email, Phone, Birthday, TimeZone),
            ProfileVersion,
            EnrolledAt,
            ClosedAt,
            Device,
            ReferralCode
        );
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
        IncludeType<ReferralCodeAssigned>();
    }

    public override MemberView? Evolve(MemberView? snapshot, Guid id, IEvent e)
    {
        if (e.Data is not (MemberEnrolled or MemberProfileUpdated or MemberClosed or ReferralCodeAssigned))
            return snapshot;
        var member = Member.Evolve(snapshot?.ToMember(), (IMemberEvent)e.Data);
        return member is null ? snapshot : From(member);
    }

    public static MemberView From(Member m) =>
        new(
            m.Id,
            m.ExternalId,
            m.Profile.Name,
            m.Profile.Email,
            m.Profile.Phone,
            m.Profile.Birthday,
            m.Profile.TimeZone,
            m.Version,
            m.EnrolledAt,
            m.ClosedAt,
            m.Device,
            m.ReferralCode
        );
}
