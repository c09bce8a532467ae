using System.Collections.Immutable;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// A purchase line as remembered, to reverse exactly what it earned and what it counted toward tiers.
/// </summary>
public sealed record LineState(
    decimal Quantity,
    int Points,
    decimal ReturnedQuantity,
    int ReversedPoints,
    int? BasePoints = null,
    decimal? AmountPaid = null
);

/// <summary>
/// A campaign's award on a purchase, as returns need it: its points per line (none for a bonus per purchase), what
/// returns took back, the minimum it was given for and the lines that count toward it, and whether it was withdrawn.
/// </summary>
public sealed record AwardState(
    string Campaign,
    int Version,
    IReadOnlyDictionary<string, int>? Lines,
    int Points,
    int Reversed,
    bool Qualifying,
    decimal? Minimum,
    IReadOnlyList<string> CountedLines,
    bool Withdrawn,
    bool Charged = false
)
{
    public static AwardState Of(CampaignAward a) =>
        new(
            a.Campaign,
            a.Version,
            a.Lines?.ToDictionary(l => l.LineId, l => l.Points),
            a.Points,
            0,
            a.Qualifying,
            a.Minimum,
            a.CountedLines ?? [],
            false,
            a.Charged
        );
}

/// <summary>
/// A recorded purchase: what each line earned, what campaigns gave it (<see cref="Awards"/>), and what returns have
/// reversed so far.
/// </summary>
public sealed record PurchaseState(
    string Source,
    string TransactionId,
    Guid MemberId,
    string StoreId,
    ImmutableDictionary<string, LineState> Lines,
    int Points,
    int ReversedPoints,
    ImmutableHashSet<string> ReturnIds,
    Instant? At = null,
    ImmutableList<AwardState>? Awards = null,
    string? PaymentFingerprint = null
)
{
    /// <summary>
    /// What the purchase still pays after its returns: each line's amount paid for the units not returned, rounded
    /// to the cent half away from zero.
    /// </summary>
    public decimal StillPaid =>
        Math.Round(
            Lines.Values.Sum(l =>
                l.Quantity == 0 ? 0m : (l.AmountPaid ?? 0m) * (l.Quantity - l.ReturnedQuantity) / l.Quantity
            ),
            2,
            MidpointRounding.AwayFromZero
        );

    public static string Key(string source, string transactionId) => $"{source}/{transactionId}";

    /// <summary>The purchase an event belongs to, if any: its earning, its returns and its campaigns' awards.</summary>
    public static string? KeyOf(IMemberEvent @event) =>
        @event switch
        {
            PointsEarned e => Key(e.Source, e.TransactionId),
            PointsReversed e => Key(e.Source, e.TransactionId),
            CampaignPointsEarned { ForPurchase: true } e => e.Reference,
            CampaignPointsReversed e => e.Reference,
            _ => null,
        };

    /// <summary>Folds the events of one purchase: its earning, then its returns.</summary>
    public static PurchaseState? Evolve(PurchaseState? purchase, IMemberEvent @event) =>
        (purchase, @event) switch
        {
            (null, PointsEarned e) => new PurchaseState(
                e.Source,
                e.TransactionId,
                e.MemberId,
                e.StoreId,
                e.Lines.ToImmutableDictionary(
                    l => l.LineId,
                    l => new LineState(l.Quantity, l.Points, 0, 0, l.BasePoints ?? l.Points, l.AmountPaid)
                ),
                e.Points,
                0,
                ImmutableHashSet<string>.Empty,
                e.At,
                PaymentFingerprint: e.PaymentFingerprint
            ),
            (not null, PointsReversed e) => purchase.Reverse(e),
            (not null, CampaignPointsEarned { ForPurchase: true } e) => purchase with
            {
                Awards = (purchase.Awards ?? []).AddRange(e.Awards.Select(AwardState.Of)),
            },
            (not null, CampaignPointsReversed e) => purchase with
            {
                Awards = purchase
                    .Awards?.Select(a =>
                        e.Reversals.FirstOrDefault(r => r.Campaign == a.Campaign) is { } r
                            ? a with
                            {
                                Reversed = a.Reversed + r.Points,
                                Withdrawn = a.Withdrawn || r.Withdrawn,
                            }
                            : a
                    )
                    .ToImmutableList(),
            },
            _ => purchase,
        };

    private PurchaseState Reverse(PointsReversed e)
    {
        var lines = Lines;
        foreach (var returned in e.Lines)
        {
            var line = lines[returned.LineId];
            lines = lines.SetItem(
                returned.LineId,
                line with
                {
                    ReturnedQuantity = line.ReturnedQuantity + returned.Quantity,
                    ReversedPoints = line.ReversedPoints + returned.Points,
                }
            );
        }
        return this with
        {
            Lines = lines,
            ReversedPoints = ReversedPoints + e.Points,
            ReturnIds = ReturnIds.Add(e.ReturnId),
        };
    }
}
