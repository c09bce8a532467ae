using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Members;

/// <summary>A new member joins under the caller's id for them, in their zone or else the program's.</summary>
public sealed record EnrollMember(
    Guid MemberId,
    string ExternalId,
    MemberProfile Profile,
    Instant At,
    Actor By,
    string? Device = null
)
{
    public static EnrollMember Parse(
        Guid memberId,
        string? externalId,
        string? name,
        string? email,
        string? phone,
        LocalDate? birthday,
        string? timeZone,
        string programTimeZone,
        Instant at,
        Actor by,
        string? deviceId = null
    )
    {
        var id = Guard.Required(externalId, "externalId", 100);
        var profile = ProfileRules.Check(name, email, phone, birthday, timeZone ?? programTimeZone, at);
        var device = Guard.Optional(deviceId, "deviceId", 200) is { } given
            ? Referrals.SelfReferral.Hashed(given)
            : null;
        return new(memberId, id, profile, at, by, device);
    }

    /// <summary>A new member's lots are consolidated by recorded events (<c>LotsConsolidated</c>).</summary>
    public static MemberEnrolled Decide(EnrollMember cmd)
    {
        return new MemberEnrolled(
            cmd.MemberId,
            cmd.ExternalId,
            cmd.Profile,
            cmd.At,
            cmd.By,
            ConsolidationRecorded: true,
            Device: cmd.Device
        );
    }
}

/// <summary>What a valid profile is, for enrollment and updates alike.</summary>
public static class ProfileRules
{
    public static MemberProfile Check(
        string? name,
        string? email,
        string? phone,
        LocalDate? birthday,
        string? timeZone,
        Instant now
    )
    {
        var zone = Guard.Zone(timeZone, "timeZone");
        var profile = new MemberProfile(
            Guard.Required(name, "name"),
            Guard.Optional(email, "email", 254),
            Guard.Optional(phone, "phone", 32),
            birthday,
            zone.Id
        );
        if (profile.Email is { } e && (e.IndexOf('@') is var at && (at <= 0 || at == e.Length - 1 || e.Contains(' '))))
            throw new InvalidInput("email", "is not an email address");
        if (profile.Phone is { } p && !p.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')'))
            throw new InvalidInput("phone", "may contain only digits, spaces, '+', '-' and parentheses");
        if (birthday is { } b && b > now.InZone(zone).Date)
            throw new InvalidInput("birthday", "is in the future");
        return profile;
    }
}
