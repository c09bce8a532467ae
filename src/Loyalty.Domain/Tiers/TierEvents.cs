using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using NodaTime;

namespace Loyalty.Domain.Tiers;

/// <summary>Every event about the tier a member earned or was given.</summary>
public interface ITierEvent : IMemberEvent;

/// <summary>
/// The member's metric (<see cref="Metric"/> = <see cref="Value"/> over the window) crossed the threshold of
/// <see cref="To"/>, possibly past several tiers, under rule version <see cref="RuleVersion"/>; it is kept until
/// <see cref="ReviewAt"/>.
/// </summary>
public sealed record TierUpgraded(
    Guid MemberId,
    string? From,
    string To,
    string Metric,
    decimal Value,
    int RuleVersion,
    Instant ReviewAt,
    Instant At,
    Actor By
) : ITierEvent;

/// <summary>
/// At its review (or during grace) the member qualified for their tier again: kept until <see cref="ReviewAt"/>.
/// </summary>
public sealed record TierRequalified(
    Guid MemberId,
    string Tier,
    string Metric,
    decimal Value,
    int RuleVersion,
    Instant ReviewAt,
    Instant At,
    Actor By
) : ITierEvent;

/// <summary>
/// At review the member fell short (qualifying for <see cref="QualifiesFor"/>): they keep the tier until <see
/// cref="GraceUntil"/>.
/// </summary>
public sealed record TierGraceStarted(
    Guid MemberId,
    string Tier,
    string? QualifiesFor,
    string Metric,
    decimal Value,
    int RuleVersion,
    Instant GraceUntil,
    Instant At,
    Actor By
) : ITierEvent;

/// <summary>
/// At review (or the end of grace) the member fell short and dropped to <see cref="To"/> (none: null), reviewed at <see
/// cref="ReviewAt"/>.
/// </summary>
public sealed record TierDowngraded(
    Guid MemberId,
    string From,
    string? To,
    string Metric,
    decimal Value,
    int RuleVersion,
    Instant? ReviewAt,
    Instant At,
    Actor By
) : ITierEvent;

/// <summary>
/// A program manager gave the member <see cref="Tier"/> as a floor until <see cref="Until"/>, for <see cref="Reason"/>.
/// </summary>
public sealed record TierAssigned(
    Guid MemberId,
    string AssignmentId,
    string Tier,
    string Reason,
    Instant Until,
    Instant At,
    Actor By
) : ITierEvent;
