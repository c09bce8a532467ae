using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>A purchase as campaigns see it: where, through which channel, and its lines as they earned.</summary>
public sealed record PurchaseFacts(
    string Source,
    string TransactionId,
    string StoreId,
    string? Channel,
    IReadOnlyList<EarnedLine> Lines
);

/// <summary>
/// What may set campaigns off: the <see cref="Triggers"/> it counts as, what it is (<see cref="Reference"/>, named on
/// every award) and when it happened, with the purchase or the engagement it was.
/// </summary>
public sealed record CampaignOccasion(
    IReadOnlyList<string> Triggers,
    string Reference,
    Instant At,
    Instant RecordedAt,
    Actor By,
    PurchaseFacts? Purchase = null,
    string? EngagementType = null,
    IReadOnlyDictionary<string, string>? Attributes = null,
    Instant? LastPurchaseBefore = null
);

/// <summary>A campaign that matched and gave nothing, and why (a limit, the budget, an exclusive campaign).</summary>
public sealed record CampaignWithheld(string Campaign, int Version, string Reason);

/// <summary>What campaigns gave on an occasion (one event, or none), and what matched but gave nothing.</summary>
public sealed record CampaignOutcome(CampaignPointsEarned? Earned, IReadOnlyList<CampaignWithheld> Withheld)
{
    public static readonly CampaignOutcome Nothing = new(null, []);

    public IReadOnlyList<Members.IMemberEvent> Events => Earned is null ? [] : [Earned];

    public IReadOnlyList<CampaignAward> Awards => Earned?.Awards ?? [];
}

/// <summary>
/// The order of evaluation, stated once:
/// <list type="number">
/// <item>The points at the earn rate, times the tier's and membership's multipliers, are earned first
/// (<c>RecordPurchase</c>); campaigns come on top and never change them.</item>
/// <item>A campaign takes part when the version in force when the occasion happened is active, its window holds
/// that moment, its trigger is the occasion's, and all its conditions hold; article conditions choose the lines.</item>
/// <item>Exclusive campaigns go first, highest priority first (then by code): each takes the lines it matches that no
/// exclusive campaign took before it, and nothing else applies on them. Stackable campaigns follow, in the same
/// order, on the lines left; they add up. A bonus on the whole purchase stands on every line: an exclusive one takes
/// them all, and none is given once an exclusive campaign has given. Off purchases, one exclusive award leaves
/// nothing to the others.</item>
/// <item>Each campaign's points are worked out on its lines (see <see cref="EarnRule"/>: one floor per award, split
/// over the lines by largest remainder); a multiplier adds its bonus (×2 adds the lines' points at the earn rate
/// once more), as the tier's and membership's do.</item>
/// <item>Limits per member (times, then points, per local day, week, month or lifetime) and then the budget cut an
/// award down, or withhold it; an award cut down is split over its lines again.</item>
/// </list>
/// </summary>
public static class CampaignAwards
{
    /// <summary>
    /// An occasion recorded longer than this after it happened earns no campaign points: a till back online after a
    /// week still gets its purchases' points, but limits per day cannot be worked around by sending old days.
    /// </summary>
    public static readonly Duration MaxLateness = Duration.FromDays(7);

    /// <summary>The most one award gives (as a purchase's points at most).</summary>
    public const int MaxPointsPerAward = RecordPurchase.MaxPointsPerPurchase;

    /// <param name="account">the member's account after what the write decided before (the purchase's earning)</param>
    /// <param name="budgetLeft">points each budgeted campaign may still give, by code (those not named have no
    /// budget)</param>
    public static CampaignOutcome Decide(
        CampaignOccasion occasion,
        PointsAccount account,
        ProgramSettings program,
        IReadOnlyList<Campaign> campaigns,
        IReadOnlyDictionary<string, long> budgetLeft
    )
    {
        var taking = Candidates(occasion, account, program, campaigns)
            .OrderByDescending(c => c.Rules.Exclusive)
            .ThenByDescending(c => c.Rules.Priority)
            .ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToList();
        if (taking.Count == 0)
            return CampaignOutcome.Nothing;
        if (occasion.RecordedAt - occasion.At > MaxLateness)
            return new(null, [.. taking.Select(c => c.Withheld("recorded too late for campaigns"))]);

        var (awards, withheld) = (new List<CampaignAward>(), new List<CampaignWithheld>());
        var taken = new HashSet<string>();
        var exclusiveGiven = false;
        var deficit = account.Balance.Deficit;
        foreach (var candidate in taking)
        {
            var rules = candidate.Rules;
            var lines = candidate.Lines?.Where(l => !taken.Contains(l.LineId)).ToList();
            if (lines is { Count: 0 } || (lines is null && exclusiveGiven))
            {
                withheld.Add(candidate.Withheld("an exclusive campaign applies instead"));
                continue;
            }
            if (rules.Conditions.MinimumAmount is { } minimum && Paid(occasion, rules, lines) < minimum)
                continue;
            var (points, perLine) = Points(rules.Effect, lines, program.EarnRate);
            var (allowed, why) = Allowed(candidate, account, program, budgetLeft, occasion.At);
            if (allowed < points)
            {
                (points, perLine) = ((int)allowed, perLine is null ? null : EarnRule.Split(perLine, (int)allowed));
                if (points <= 0)
                {
                    withheld.Add(candidate.Withheld(why!));
                    continue;
                }
            }
            if (points <= 0)
                continue;
            var settled = (int)Math.Min(deficit, points);
            deficit -= settled;
            var charged = budgetLeft.ContainsKey(candidate.Code);
            awards.Add(Award(candidate, occasion, program, lines, perLine, points, settled, charged));
            if (rules.Exclusive)
            {
                exclusiveGiven = true;
                // a bonus on the whole purchase takes every line
                foreach (var line in lines ?? occasion.Purchase?.Lines ?? [])
                    taken.Add(line.LineId);
            }
        }
        var earned =
            awards.Count == 0
                ? null
                : new CampaignPointsEarned(
                    account.MemberId,
                    occasion.Reference,
                    awards,
                    occasion.At,
                    occasion.RecordedAt,
                    occasion.By
                );
        return new(earned, withheld);
    }

    /// <summary>A campaign that takes part, and the lines it matches (null off purchases and for whole-purchase
    /// bonuses without article conditions).</summary>
    private sealed record Candidate(string Code, CampaignVersion Version, IReadOnlyList<EarnedLine>? Lines)
    {
        public CampaignRules Rules => Version.Rules;

        public CampaignWithheld Withheld(string reason) => new(Code, Version.Version, reason);
    }

    private static IEnumerable<Candidate> Candidates(
        CampaignOccasion occasion,
        PointsAccount account,
        ProgramSettings program,
        IReadOnlyList<Campaign> campaigns
    )
    {
        foreach (var campaign in campaigns)
        {
            if (campaign.InForceAt(occasion.At) is not { } version || !version.Rules.RunsAt(occasion.At))
                continue;
            var rules = version.Rules;
            if (!occasion.Triggers.Contains(rules.Trigger.Kind))
                continue;
            if (rules.Trigger.EngagementType is { } type && type != occasion.EngagementType)
                continue;
            if (!Holds(rules.Conditions, occasion, account, program))
                continue;
            IReadOnlyList<EarnedLine>? lines = null;
            if (occasion.Purchase is { } purchase && (rules.Effect.OnLines || rules.Conditions.ChoosesLines))
            {
                lines = purchase.Lines.Where(l => Matches(rules.Conditions, l)).ToList();
                if (lines.Count == 0)
                    continue;
            }
            yield return new Candidate(campaign.Code, version, lines);
        }
    }

    private static bool Matches(CampaignConditions c, EarnedLine line) =>
        (c.Skus is null || c.Skus.Contains(line.Sku))
        && (c.Categories is null || (line.Category is { } category && c.Categories.Contains(category)));

    /// <summary>The conditions that are not about lines: the store, the member, the moment, the engagement.</summary>
    private static bool Holds(
        CampaignConditions c,
        CampaignOccasion occasion,
        PointsAccount account,
        ProgramSettings program
    )
    {
        var purchase = occasion.Purchase;
        if (c.Stores is not null && (purchase is null || !c.Stores.Contains(purchase.StoreId)))
            return false;
        if (c.Channels is not null && (purchase?.Channel is not { } channel || !c.Channels.Contains(channel)))
            return false;
        if (c.Tiers is not null && (TierAt(account, program, occasion.At) is not { } tier || !c.Tiers.Contains(tier)))
            return false;
        if (c.Membership is { } plan && !HasMembership(account, plan, occasion.At))
            return false;
        if (c.Segments is not null && (account.Segment is not { } segment || !c.Segments.Contains(segment)))
            return false;
        if (c.Stages is not null && !c.Stages.Contains(StageBefore(occasion, account, program)))
            return false;
        var local = occasion.At.InZone(program.Zone()).LocalDateTime;
        if (c.DaysOfWeek is not null && !c.DaysOfWeek.Contains(local.DayOfWeek))
            return false;
        if (c.FromTime is { } from && c.UntilTime is { } until && !Within(local.TimeOfDay, from, until))
            return false;
        if (c.EnrolledAtLeastDays is not null || c.EnrolledAtMostDays is not null)
        {
            var days = Period
                .Between(account.EnrolledAt.InZone(program.Zone()).Date, local.Date, PeriodUnits.Days)
                .Days;
            if (days < c.EnrolledAtLeastDays || days > c.EnrolledAtMostDays)
                return false;
        }
        if (c.Attributes is not null)
        {
            var given = occasion.Attributes ?? new Dictionary<string, string>();
            if (c.Attributes.Any(a => !given.TryGetValue(a.Key, out var value) || value != a.Value))
                return false;
        }
        return true;
    }

    /// <summary>
    /// The member's lifecycle stage when it happened, before it: a win-back sees them dormant at the purchase that
    /// brings them back (the account campaigns decide on already holds that purchase).
    /// </summary>
    private static string StageBefore(CampaignOccasion occasion, PointsAccount account, ProgramSettings program)
    {
        var last = occasion.Purchase is null ? account.LastPurchaseAt : occasion.LastPurchaseBefore;
        return Lifecycle.StageAt(account.EnrolledAt, last, occasion.At, program.Zone(), program.Lifecycle).Stage;
    }

    private static bool Within(LocalTime time, LocalTime from, LocalTime until) =>
        from < until ? time >= from && time < until : time >= from || time < until;

    internal static string? TierAt(PointsAccount account, ProgramSettings program, Instant at) =>
        program.TiersAt(at)?.Rules is { } rules
            ? TierHeld.At(account.Tier, account.Membership, rules, at).Tier?.Code
            : null;

    internal static bool HasMembership(PointsAccount account, string plan, Instant at) =>
        account.Membership is { } membership
        && membership.ActiveAt(at)
        && (plan == CampaignConditions.AnyMembership || membership.Plan.Code == plan);

    /// <summary>What was paid where the minimum counts: on the campaign's lines, or on the whole purchase.</summary>
    private static decimal Paid(CampaignOccasion occasion, CampaignRules rules, IReadOnlyList<EarnedLine>? lines) =>
        (rules.Conditions.MinimumOnPurchase || lines is null ? occasion.Purchase?.Lines : lines)?.Sum(l => l.AmountPaid)
        ?? 0;

    /// <summary>
    /// The effect's points on <paramref name="lines"/>, and per line (none for a bonus per purchase).
    /// </summary>
    private static (int Points, int[]? PerLine) Points(
        CampaignEffect effect,
        IReadOnlyList<EarnedLine>? lines,
        EarnRate rate
    )
    {
        if (!effect.OnLines || lines is null)
            return (effect.Points!.Value, null);
        var (amounts, each) = effect.Kind switch
        {
            CampaignEffect.Multiplies => (
                Paid(lines),
                new EarnRate(rate.Points * (effect.Multiplier!.Value - 1), rate.PerAmount)
            ),
            CampaignEffect.PerAmountSpent => (Paid(lines), new EarnRate(effect.Points!.Value, effect.PerAmount!.Value)),
            CampaignEffect.PerUnit => (lines.Select(l => l.Quantity).ToArray(), new EarnRate(effect.Points!.Value, 1)),
            _ => (lines.Select(_ => 1m).ToArray(), new EarnRate(effect.Points!.Value, 1)),
        };
        var perLine = EarnRule.PointsPerLine(amounts, each, cap: MaxPointsPerAward);
        return (perLine.Sum(), perLine);
    }

    private static decimal[] Paid(IReadOnlyList<EarnedLine> lines) => lines.Select(l => l.AmountPaid).ToArray();

    /// <summary>
    /// How many points the campaign may still give the member now, and what stops it: a limit's count or points in
    /// the period, then the budget.
    /// </summary>
    private static (long Points, string? Why) Allowed(
        Candidate candidate,
        PointsAccount account,
        ProgramSettings program,
        IReadOnlyDictionary<string, long> budgetLeft,
        Instant at
    )
    {
        var use = account.CampaignUse(candidate.Code);
        var (allowed, why) = (long.MaxValue, (string?)null);
        foreach (var limit in candidate.Rules.Limits)
        {
            var (times, points) = use.In(limit.Period, at, program.Zone());
            var per = limit.Period == CampaignLimit.Lifetime ? "in all" : $"a {limit.Period}";
            if (limit.Times is { } most && times >= most)
                return (0, $"limit reached: {most} {(most == 1 ? "time" : "times")} {per}");
            if (limit.Points is { } cap && cap - points < allowed)
                (allowed, why) = (cap - points, $"limit reached: {cap} points {per}");
        }
        if (budgetLeft.TryGetValue(candidate.Code, out var left) && left < allowed)
            (allowed, why) = (left, "the campaign's budget is spent");
        return (Math.Max(allowed, 0), why);
    }

    private static CampaignAward Award(
        Candidate candidate,
        CampaignOccasion occasion,
        ProgramSettings program,
        IReadOnlyList<EarnedLine>? lines,
        int[]? perLine,
        int points,
        int settled,
        bool charged
    )
    {
        var (rules, at) = (candidate.Rules, occasion.At);
        var purchase = occasion.Purchase;
        var expiresAt = rules.Effect.ExpiresAfterDays is { } days
            ? program.Zone().AtLeniently(at.InZone(program.Zone()).LocalDateTime.PlusDays(days)).ToInstant()
            : program.ExpiresAt(at);
        var counted = purchase is null
            ? null
            : (rules.Conditions.MinimumOnPurchase || lines is null ? purchase.Lines : lines)
                .Select(l => l.LineId)
                .ToList();
        return new CampaignAward(
            candidate.Code,
            candidate.Version.Version,
            rules.Trigger.Kind,
            rules.Effect.Kind,
            Explain(candidate, occasion, lines, points),
            perLine is null ? null : lines!.Select((l, i) => new CampaignLine(l.LineId, perLine[i])).ToList(),
            points,
            settled,
            rules.Effect.Qualifying,
            purchase is null ? at : program.AvailableAt(at),
            expiresAt,
            purchase is null ? null : rules.Conditions.MinimumAmount,
            counted,
            charged
        );
    }

    /// <summary>"summer-coffee v3: ×2 on COFFEE-1KG, +24".</summary>
    private static string Explain(
        Candidate candidate,
        CampaignOccasion occasion,
        IReadOnlyList<EarnedLine>? lines,
        int points
    )
    {
        var on = candidate.Rules.Trigger.Kind switch
        {
            CampaignTrigger.Engagement => $" for {occasion.EngagementType}",
            CampaignTrigger.Enrollment => " for joining",
            CampaignTrigger.Birthday => $" for the birthday of {occasion.Reference.Split('/')[^1]}",
            CampaignTrigger.Automation => $" by {occasion.Reference}",
            CampaignTrigger.FirstPurchase when lines is null => " on the first purchase",
            _ when lines is null => " on the purchase",
            _ => " on " + Skus(lines),
        };
        var effect = candidate.Rules.Effect;
        // a bonus says its points already, unless a limit or the budget cut it down
        var given = effect.Kind == CampaignEffect.PerPurchase && points == effect.Points ? "" : $", +{points}";
        return $"{candidate.Code} v{candidate.Version.Version}: {effect.Describe()}{on}{given}";
    }

    private static string Skus(IReadOnlyList<EarnedLine> lines)
    {
        var skus = lines.Select(l => l.Sku).Distinct().ToList();
        return skus.Count <= 3
            ? string.Join(", ", skus)
            : $"{string.Join(", ", skus.Take(3))} and {skus.Count - 3} more";
    }
}
