using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using NodaTime;

namespace Loyalty.Domain.Insight;

/// <summary>
/// The member moved to lifecycle stage <see cref="To"/> (from <see cref="From"/>, null at the first review), which
/// they entered on <see cref="Since"/> (the program's local date) by the <see cref="Thresholds"/> then in force.
/// </summary>
public sealed record MemberStageChanged(
    Guid MemberId,
    string? From,
    string To,
    LocalDate Since,
    LifecycleThresholds Thresholds,
    Instant At,
    Actor By
) : IMemberEvent;

/// <summary>
/// The nightly scoring of <see cref="ScoredOn"/> moved the member to segment <see cref="To"/> (from
/// <see cref="From"/>; null: in none), with the scores that placed them there (null: not active, no scores).
/// </summary>
public sealed record MemberSegmentChanged(
    Guid MemberId,
    string? From,
    string? To,
    RfmScore? Scores,
    LocalDate ScoredOn,
    Instant At,
    Actor By
) : IMemberEvent;
