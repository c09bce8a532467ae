using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Rules;

/// <summary>
/// The program's current settings: currency, time zone and the earn rule, at a rule version; whether members may
/// redeem from their own app; how long earned points stay pending, when they expire, and what a point is worth
/// when a member pays with points (null: not offered).
/// </summary>
public sealed record ProgramSettings(
    int RuleVersion,
    string Currency,
    string TimeZone,
    EarnRate EarnRate,
    string Rounding,
    bool MembersMayRedeem = false,
    int PendingDays = 0,
    ExpiryPolicy? Expiry = null,
    PointValue? PointValue = null,
    bool MembersMaySendEngagements = false,
    decimal? ExpectedRedemptionRate = null
)
{
    public const int MaxPendingDays = 365;

    /// <summary>Never null once constructed: settings from before expiry existed never expire.</summary>
    public ExpiryPolicy? Expiry { get; init; } = Expiry ?? ExpiryPolicy.Never;

    /// <summary>The program stream has one fixed id: there is one program per deployment.</summary>
    public static readonly Guid StreamId = new("10000000-0000-0000-0000-000000000001");

    /// <summary>Points are floored once per purchase, on the sum of what was paid on all lines.</summary>
    public const string FloorPerPurchase = "floor-per-purchase";

    /// <summary>
    /// Every version of the tier rules, oldest first: each applies from its effective date, none rewrites history.
    /// </summary>
    public IReadOnlyList<TierRulesVersion> TierVersions { get; init; } = [];

    public IReadOnlyList<MembershipPlan> MembershipPlans { get; init; } = [];

    /// <summary>The referral rules in force: none taken before a program manager sets them.</summary>
    public ReferralRules Referrals { get; init; } = ReferralRules.Off;

    /// <summary>How long a membership whose payment failed stays active after its period's end.</summary>
    public int MembershipGraceDays { get; init; }

    /// <summary>The day thresholds of the members' lifecycle stages.</summary>
    public LifecycleThresholds Lifecycle { get; init; } = LifecycleThresholds.Default;

    /// <summary>The tier rules in force at <paramref name="at"/>; null: the program has no tiers then.</summary>
    public TierRulesVersion? TiersAt(Instant at) => TierVersions.LastOrDefault(v => v.EffectiveFrom <= at);

    /// <summary>
    /// The latest tier rules, whether in force yet or not: the version a new one must keep the tiers of.
    /// </summary>
    public TierRules? LatestTiers() => TierVersions.Count == 0 ? null : TierVersions[^1].Rules;

    public static readonly ProgramSettings None = new(0, "", "", new EarnRate(0, 1), FloorPerPurchase);

    public bool Exists => RuleVersion > 0;

    /// <summary>The settings as they stood at <paramref name="at"/>, from the program stream's events.</summary>
    public static ProgramSettings AsOf(IEnumerable<IProgramEvent> history, Instant at) =>
        history.Where(e => e.At <= at).Aggregate(None, Evolve);

    public DateTimeZone Zone() => DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) ?? DateTimeZone.Utc;

    /// <summary>
    /// When points earned at <paramref name="earnedAt"/> stop pending: the same local time <see cref="PendingDays"/>
    /// days later.
    /// </summary>
    public Instant AvailableAt(Instant earnedAt) =>
        PendingDays == 0
            ? earnedAt
            : Zone().AtLeniently(earnedAt.InZone(Zone()).LocalDateTime.PlusDays(PendingDays)).ToInstant();

    /// <summary>When points credited at <paramref name="at"/> expire under the current policy; null: never.</summary>
    public Instant? ExpiresAt(Instant at) => Expiry!.ExpiresAt(at, Zone());

    /// <summary>
    /// Under activity-based expiry, the new expiry of every open lot after an earning or redemption at <paramref
    /// name="at"/>.
    /// </summary>
    public Instant? OpenLotsExpireAfter(Instant at) => Expiry!.MovesWithActivity ? ExpiresAt(at) : null;

    public static ProgramSettings Evolve(ProgramSettings state, IProgramEvent @event) =>
        @event switch
        {
            ProgramSettingsChanged e => state with
            {
                RuleVersion = e.RuleVersion,
                Currency = e.Currency,
                TimeZone = e.TimeZone,
                EarnRate = e.EarnRate,
                Rounding = e.Rounding,
                MembersMayRedeem = e.MembersMayRedeem,
                PendingDays = e.PendingDays,
                Expiry = e.Expiry ?? ExpiryPolicy.Never,
                PointValue = e.PointValue,
                MembersMaySendEngagements = e.MembersMaySendEngagements,
                ExpectedRedemptionRate = e.ExpectedRedemptionRate,
                Lifecycle = e.Lifecycle ?? LifecycleThresholds.Default,
            },
            // Versions are kept in effective order; one effective at the same moment as an earlier one replaces it from
            // then on.
            TierRulesChanged e => state with
            {
                RuleVersion = e.RuleVersion,
                TierVersions =
                [
                    .. state.TierVersions.Where(v => v.EffectiveFrom < e.EffectiveFrom),
                    new TierRulesVersion(e.RuleVersion, e.EffectiveFrom, e.Rules),
                ],
            },
            MembershipPlansChanged e => state with
            {
                RuleVersion = e.RuleVersion,
                MembershipPlans = e.Plans,
                MembershipGraceDays = e.GraceDays,
            },
            ReferralRulesChanged e => state with { RuleVersion = e.RuleVersion, Referrals = e.Rules },
            _ => state,
        };
}

/// <summary>
/// A program manager sets the currency, time zone and earn rate, and optionally the pending period, the expiry
/// policy and the point value (left out: unchanged). Unchanged settings record nothing.
/// </summary>
public sealed record ChangeProgramSettings(
    string Currency,
    string TimeZone,
    EarnRate EarnRate,
    int? ExpectedRuleVersion,
    Instant At,
    Actor By,
    bool? MembersMayRedeem = null,
    int? PendingDays = null,
    ExpiryPolicy? Expiry = null,
    PointValue? PointValue = null,
    bool? MembersMaySendEngagements = null,
    decimal? ExpectedRedemptionRate = null,
    LifecycleThresholds? Lifecycle = null
)
{
    /// <summary>The settings as sent, checked: each failure names the field.</summary>
    public static ChangeProgramSettings Parse(
        string? currency,
        string? timeZone,
        decimal earnPoints,
        decimal earnPerAmount,
        int? expectedRuleVersion,
        Instant at,
        Actor by,
        bool? membersMayRedeem = null,
        int? pendingDays = null,
        ExpiryPolicy? expiry = null,
        PointValue? pointValue = null,
        bool? membersMaySendEngagements = null,
        decimal? expectedRedemptionRate = null,
        LifecycleThresholds? lifecycle = null
    )
    {
        var code = Guard.Currency(currency, "currency");
        var zone = Guard.Zone(timeZone, "timeZone").Id;
        if (earnPoints <= 0)
            throw new InvalidInput("earnRate.points", "must be greater than 0");
        if (earnPerAmount <= 0)
            throw new InvalidInput("earnRate.perAmount", "must be greater than 0");
        if (pendingDays is < 0 or > ProgramSettings.MaxPendingDays)
            throw new InvalidInput("pendingDays", $"must be between 0 and {ProgramSettings.MaxPendingDays}");
        if (expectedRedemptionRate is < 0 or > 1)
            throw new InvalidInput("expectedRedemptionRate", "must be between 0 and 1");
        var rate = new EarnRate(earnPoints, earnPerAmount);
        return new(
            code,
            zone,
            rate,
            expectedRuleVersion,
            at,
            by,
            membersMayRedeem,
            pendingDays,
            expiry,
            pointValue,
            membersMaySendEngagements,
            expectedRedemptionRate,
            lifecycle
        );
    }

    public static IProgramEvent[] Decide(ProgramSettings current, ChangeProgramSettings cmd)
    {
        ProgramRules.ExpectVersion(current, cmd.ExpectedRuleVersion);
        var next = current with
        {
            Currency = cmd.Currency,
            TimeZone = cmd.TimeZone,
            EarnRate = cmd.EarnRate,
            MembersMayRedeem = cmd.MembersMayRedeem ?? current.MembersMayRedeem,
            PendingDays = cmd.PendingDays ?? current.PendingDays,
            Expiry = cmd.Expiry ?? current.Expiry,
            PointValue = cmd.PointValue ?? current.PointValue,
            MembersMaySendEngagements = cmd.MembersMaySendEngagements ?? current.MembersMaySendEngagements,
            ExpectedRedemptionRate = cmd.ExpectedRedemptionRate ?? current.ExpectedRedemptionRate,
            Lifecycle = cmd.Lifecycle ?? current.Lifecycle,
        };
        if (current.Exists && next == current)
            return [];
        return
        [
            new ProgramSettingsChanged(
                current.RuleVersion + 1,
                next.Currency,
                next.TimeZone,
                next.EarnRate,
                ProgramSettings.FloorPerPurchase,
                cmd.At,
                cmd.By,
                next.MembersMayRedeem,
                next.PendingDays,
                next.Expiry,
                next.PointValue,
                next.MembersMaySendEngagements,
                next.ExpectedRedemptionRate,
                next.Lifecycle
            ),
        ];
    }
}
