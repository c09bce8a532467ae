using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Members;

/// <summary>Closing a member stops earning; the balance stays and can still be redeemed or adjusted.</summary>
public sealed record CloseMember(string Reason, int? ExpectedVersion, Instant At, Actor By)
{
    public static CloseMember Parse(string? reason, int? expectedVersion, Instant at, Actor by) =>
        new(Guard.Required(reason, "reason", 500), expectedVersion, at, by);

    public static IMemberEvent[] Decide(Member member, CloseMember cmd)
    {
        if (member.Closed)
            return [];
        if (cmd.ExpectedVersion is { } expected && expected != member.Version)
            throw new StaleVersion("expectedVersion", $"the member is at version {member.Version}; read it again");
        return [new MemberClosed(member.Id, cmd.Reason, cmd.At, cmd.By)];
    }
}
