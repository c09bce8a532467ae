using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>A member is given a referral code: generated, or a vanity code a program manager chose.</summary>
public static class AssignReferralCode
{
    /// <summary>Attempts at a generated code before giving up (each is taken with odds of one in billions).</summary>
    public const int Attempts = 3;

    /// <summary>
    /// The member's generated code, the first of their candidates (<see cref="ReferralCode.For"/>) no one holds;
    /// nothing when they have a code already, or every candidate is taken.
    /// </summary>
    /// <param name="taken">Which candidates another member holds.</param>
    public static IReadOnlyList<IMemberEvent> Generated(
        Guid memberId,
        string? current,
        Func<string, bool> taken,
        Instant at,
        Actor by
    )
    {
        if (current is not null)
            return [];
        var code = Enumerable
            .Range(0, Attempts)
            .Select(i => ReferralCode.For(memberId, i))
            .FirstOrDefault(c => !taken(c));
        return code is null ? [] : [new ReferralCodeAssigned(memberId, code, false, at, by)];
    }

    /// <summary>
    /// A vanity code for the member; refused when another member holds it (now or before), nothing when it is theirs
    /// already.
    /// </summary>
    /// <param name="holder">The member who holds or held the code, if any.</param>
    public static IReadOnlyList<IMemberEvent> Vanity(Member member, string code, Guid? holder, Instant at, Actor by)
    {
        if (member.Closed)
            throw new RuleBroken("memberId", "the member left the program");
        if (holder is { } other && other != member.Id)
            throw new Conflict("code", "is held by another member");
        return member.ReferralCode == code ? [] : [new ReferralCodeAssigned(member.Id, code, true, at, by)];
    }
}
