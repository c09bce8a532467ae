namespace Loyalty.Domain.Insight;

/// <summary>
/// The named segments, from the RFM scores by a fixed map read top to bottom (R recency, FM the average of
/// frequency and monetary): champions R ≥ 4 and FM ≥ 4; new R ≥ 4 and F = 1; can't lose R = 1 and FM ≥ 4;
/// at risk R ≤ 2 and FM ≥ 3; loyal R ≥ 3 and FM ≥ 3; potential loyalists R ≥ 3; hibernating R = 2; lost the
/// rest. A member whose last purchase is older than the window is lost too; one who never bought is in none.
/// </summary>
public static class Segments
{
    public const string Champions = "champions";
    public const string New = "new";
    public const string CantLose = "cant-lose";
    public const string AtRisk = "at-risk";
    public const string Loyal = "loyal";
    public const string PotentialLoyalists = "potential-loyalists";
    public const string Hibernating = "hibernating";
    public const string Lost = "lost";

    public static readonly IReadOnlyList<string> All =
    [
        Champions,
        Loyal,
        PotentialLoyalists,
        New,
        AtRisk,
        CantLose,
        Hibernating,
        Lost,
    ];

    public static string Of(RfmScore s) =>
        (s.Recency, s.Frequency, FrequencyMonetary: (s.Frequency + s.Monetary) / 2m) switch
        {
            (>= 4, _, >= 4) => Champions,
            (>= 4, 1, _) => New,
            (1, _, >= 4) => CantLose,
            (<= 2, _, >= 3) => AtRisk,
            (>= 3, _, >= 3) => Loyal,
            (>= 3, _, _) => PotentialLoyalists,
            (2, _, _) => Hibernating,
            _ => Lost,
        };
}
