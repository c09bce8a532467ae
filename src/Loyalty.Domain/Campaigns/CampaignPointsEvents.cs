using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>The points an award gave one purchase line.</summary>
public sealed record CampaignLine(string LineId, int Points);

/// <summary>
/// A campaign gave points: campaign <see cref="Campaign"/> at <see cref="CampaignVersion"/>, through its
/// <see cref="Effect"/>, for what <see cref="Reference"/> names (a purchase by its source/transactionId, an
/// engagement, the enrolment, a birthday), explained in words by <see cref="Explanation"/>. For a purchase,
/// <see cref="Lines"/> says what each line got (none for a bonus per purchase). Like any credit it settles a deficit
/// first and makes a lot of the rest, pending until <see cref="AvailableAt"/>, expiring at <see cref="ExpiresAt"/>.
/// While a return leaves the lines in <see cref="CountedLines"/> paying less than <see cref="Minimum"/>, the award
/// is taken back. <see cref="Qualifying"/> points count toward tiers.
/// </summary>
public sealed record CampaignPointsEarned(
    Guid MemberId,
    string Campaign,
    int CampaignVersion,
    string Trigger,
    string Reference,
    string Effect,
    string Explanation,
    IReadOnlyList<CampaignLine>? Lines,
    int Points,
    int DeficitSettled,
    bool Qualifying,
    Instant At,
    Instant RecordedAt,
    Actor By,
    Instant AvailableAt,
    Instant? ExpiresAt,
    decimal? Minimum = null,
    IReadOnlyList<string>? CountedLines = null
) : IMemberEvent
{
    public LotSource Lot => new(LotSource.Campaign, $"{Campaign}/{Reference}");

    public bool ForPurchase => Trigger is CampaignTrigger.Purchase or CampaignTrigger.FirstPurchase;
}

/// <summary>
/// A return took back campaign points: those the returned units had earned (<see cref="Lines"/>), or the whole award
/// when it is <see cref="Withdrawn"/> (its minimum no longer met, or everything it counted returned), which also
/// gives the member's limit back its use. Taken as a purchase's reversal is: the award's own lot first, then the
/// others, the rest a deficit.
/// </summary>
public sealed record CampaignPointsReversed(
    Guid MemberId,
    string Campaign,
    int CampaignVersion,
    string Reference,
    string ReturnId,
    IReadOnlyList<ReversedLine> Lines,
    int Points,
    bool Withdrawn,
    int TakenFromBalance,
    int AddedToDeficit,
    IReadOnlyList<LotTake> Taken,
    QualifyingActivity? Qualifying,
    Instant At,
    Instant RecordedAt,
    Actor By
) : IMemberEvent;

/// <summary>
/// The member did something the program rewards or may reward later: signed in, shared, reviewed, or a type the
/// program names. Recorded whether or not it earned anything; what it earned follows as
/// <see cref="CampaignPointsEarned"/>.
/// </summary>
public sealed record EngagementRecorded(
    Guid MemberId,
    string EventId,
    string Type,
    IReadOnlyDictionary<string, string> Attributes,
    Instant At,
    Instant RecordedAt,
    Actor By
) : IMemberEvent;
