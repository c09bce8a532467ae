using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>The points an award gave one purchase line.</summary>
public sealed record CampaignLine(string LineId, int Points);

/// <summary>
/// One campaign's award: campaign <see cref="Campaign"/> at <see cref="Version"/>, set off by
/// <see cref="Trigger"/>, through its <see cref="Effect"/>, explained in words by <see cref="Explanation"/>. For a
/// purchase, <see cref="Lines"/> says what each line got (none for a bonus per purchase). Like any credit it settles
/// a deficit first (<see cref="DeficitSettled"/>) and makes a lot of the rest, pending until
/// <see cref="AvailableAt"/>, expiring at <see cref="ExpiresAt"/>. While a return leaves the lines in
/// <see cref="CountedLines"/> paying less than <see cref="Minimum"/>, the award is taken back.
/// <see cref="Qualifying"/> points count toward tiers; <see cref="Charged"/>: the points came out of the campaign's
/// budget (and a return gives them back to it).
/// </summary>
public sealed record CampaignAward(
    string Campaign,
    int Version,
    string Trigger,
    string Effect,
    string Explanation,
    IReadOnlyList<CampaignLine>? Lines,
    int Points,
    int DeficitSettled,
    bool Qualifying,
    Instant AvailableAt,
    Instant? ExpiresAt,
    decimal? Minimum = null,
    IReadOnlyList<string>? CountedLines = null,
    bool Charged = false
)
{
    /// <summary>The lot the award's points make, named by the campaign and what set it off.</summary>
    public LotSource LotFor(string reference) => LotOf(Campaign, reference);

    public static LotSource LotOf(string campaign, string reference) =>
        new(LotSource.Campaign, $"{campaign}/{reference}");
}

/// <summary>
/// Campaigns gave points for what <see cref="Reference"/> names (a purchase by its source/transactionId, an
/// engagement, the enrolment, a birthday year), one <see cref="Awards"/> entry per campaign, each with a lot of its
/// own. <see cref="At"/> is when the occasion happened.
/// </summary>
public sealed record CampaignPointsEarned(
    Guid MemberId,
    string Reference,
    IReadOnlyList<CampaignAward> Awards,
    Instant At,
    Instant RecordedAt,
    Actor By
) : IMemberEvent
{
    public int Points => Awards.Sum(a => a.Points);

    public int DeficitSettled => Awards.Sum(a => a.DeficitSettled);

    public bool ForPurchase => Awards.Any(a => a.Trigger is CampaignTrigger.Purchase or CampaignTrigger.FirstPurchase);

    /// <summary>What the awards count toward tiers, at the occasion's time; null when none is qualifying.</summary>
    public QualifyingActivity? Qualifying =>
        Awards.Any(a => a.Qualifying) ? new(At, Awards.Where(a => a.Qualifying).Sum(a => a.Points), 0, 0) : null;
}

/// <summary>
/// What a return took back from one campaign's award: the points the returned units had earned
/// (<see cref="Lines"/>), or the whole rest of the award when it is <see cref="Withdrawn"/> (its minimum no longer
/// met, or everything it counted returned), which also gives the member's limits back its use. Taken as a
/// purchase's reversal is: the award's own lot first (<see cref="Taken"/>), then the others, the rest a deficit.
/// </summary>
public sealed record CampaignReversal(
    string Campaign,
    int Version,
    IReadOnlyList<ReversedLine> Lines,
    int Points,
    bool Withdrawn,
    int TakenFromBalance,
    int AddedToDeficit,
    IReadOnlyList<LotTake> Taken,
    bool Qualifying,
    bool Charged
);

/// <summary>
/// Return <see cref="ReturnId"/> of the purchase <see cref="Reference"/> took back campaign points, one
/// <see cref="Reversals"/> entry per award. <see cref="Qualifying"/> is what it took off the tier metric, counted
/// at the purchase's time.
/// </summary>
public sealed record CampaignPointsReversed(
    Guid MemberId,
    string Reference,
    string ReturnId,
    IReadOnlyList<CampaignReversal> Reversals,
    QualifyingActivity? Qualifying,
    Instant At,
    Instant RecordedAt,
    Actor By
) : IMemberEvent
{
    public int Points => Reversals.Sum(r => r.Points);

    public int TakenFromBalance => Reversals.Sum(r => r.TakenFromBalance);

    public int AddedToDeficit => Reversals.Sum(r => r.AddedToDeficit);
}

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
