using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Tiers;

/// <summary>
/// A program manager gives a member a tier as a floor: they hold at least that tier until <see cref="Until"/>.
/// </summary>
public sealed record AssignTier(string AssignmentId, string Tier, string Reason, Instant Until, Instant At, Actor By)
{
    public static AssignTier Parse(
        string? assignmentId,
        string? tier,
        string? reason,
        Instant? until,
        Instant at,
        Actor by
    )
    {
        var id = Guard.Required(assignmentId, "assignmentId", 100);
        var code = Guard.Required(tier, "tier", 50);
        var why = Guard.Required(reason, "reason", 500);
        var end = until ?? throw new InvalidInput("until", "is required");
        if (end <= at)
            throw new InvalidInput("until", "must be in the future");
        return new(id, code, why, end, at, by);
    }

    public static IMemberEvent[] Decide(PointsAccount account, ProgramSettings program, AssignTier cmd)
    {
        if (!account.Enrolled)
            throw new NotFound("memberId", "no such member");
        if (program.TiersAt(cmd.At)?.Rules.Find(cmd.Tier) is null)
            throw new RuleBroken("tier", "is not a tier of the program");
        return [new TierAssigned(account.MemberId, cmd.AssignmentId, cmd.Tier, cmd.Reason, cmd.Until, cmd.At, cmd.By)];
    }
}
