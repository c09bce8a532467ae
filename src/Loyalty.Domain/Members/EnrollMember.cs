using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Members;

public sealed record EnrollMember(
    Guid MemberId,
    string? ExternalId,
    string? Name,
    string? Email,
    string? Phone,
    LocalDate? Birthday,
    string? TimeZone,
    string ProgramTimeZone,
    Instant At,
    Actor By
)
{
    public static MemberEnrolled Decide(EnrollMember cmd)
    {
        var externalId = Guard.Required(cmd.ExternalId, "externalId", 100);
        var profile = ProfileRules.Check(
            cmd.Name,
            cmd.Email,
            cmd.Phone,
            cmd.Birthday,
            cmd.TimeZone ?? cmd.ProgramTimeZone,
            cmd.At
        );
        return new MemberEnrolled(cmd.MemberId, externalId, profile, cmd.At, cmd.By, ConsolidationRecorded: true);
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
