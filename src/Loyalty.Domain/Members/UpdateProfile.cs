using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Members;

/// <summary>A person edits a profile they read at <see cref="ExpectedVersion"/>.</summary>
public sealed record UpdateProfile(
    int ExpectedVersion,
    string? Name,
    string? Email,
    string? Phone,
    LocalDate? Birthday,
    string? TimeZone,
    Instant At,
    Actor By
)
{
    public static IMemberEvent[] Decide(Member member, UpdateProfile cmd)
    {
        if (member.Closed)
            throw new RuleBroken("memberId", "the member is closed");
        var profile = ProfileRules.Check(
            cmd.Name,
            cmd.Email,
            cmd.Phone,
            cmd.Birthday,
            cmd.TimeZone ?? member.Profile.TimeZone,
            cmd.At
        );
        if (profile == member.Profile)
            return []; // a retry of an edit that already took effect
        if (cmd.ExpectedVersion != member.Version)
            throw new StaleVersion("expectedVersion", $"the member is at version {member.Version}; read it again");
        return [new MemberProfileUpdated(member.Id, profile, cmd.At, cmd.By)];
    }
}
