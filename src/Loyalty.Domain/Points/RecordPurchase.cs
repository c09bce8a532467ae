using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>A line of a receipt as the till sent it, before it is checked.</summary>
public sealed record PurchaseLine(
    string? LineId,
    string? Sku,
    string? Category,
    decimal Quantity,
    decimal UnitPrice,
    decimal Discount
);

/// <summary>A checked line of a receipt: ids trimmed, amounts within bounds.</summary>
public sealed record ReceiptLine(
    string LineId,
    string Sku,
    string? Category,
    decimal Quantity,
    decimal UnitPrice,
    decimal Discount
)
{
    public decimal AmountPaid => Quantity * UnitPrice - Discount;
}

/// <summary>A till or shop reports a purchase by a member; it earns points under the program's current rule.</summary>
public sealed record RecordPurchase(
    string Source,
    string TransactionId,
    string StoreId,
    Instant OccurredAt,
    string Currency,
    IReadOnlyList<ReceiptLine> Lines,
    Instant RecordedAt,
    Actor By,
    string? Channel = null,
    string? PaymentFingerprint = null
)
{
    public const int MaxLines = 500;
    public const int MaxPointsPerPurchase = 1_000_000;

    /// <summary>The purchase as sent, checked: each failure names the field.</summary>
    public static RecordPurchase Parse(
        string? source,
        string? transactionId,
        string? storeId,
        Instant? occurredAt,
        string? currency,
        IReadOnlyList<PurchaseLine?>? lines,
        Instant recordedAt,
        Actor by,
        string? channel = null,
        string? paymentFingerprint = null
    )
    {
        var from = Guard.Required(source, "source", 100);
        var transaction = Guard.Required(transactionId, "transactionId", 100);
        var at = occurredAt ?? throw new InvalidInput("occurredAt", "is required");
        var store = Guard.Required(storeId, "storeId", 100);
        var code = Guard.Currency(currency, "currency");
        Guard.NotInFuture(at, recordedAt, "occurredAt");
        var through = Guard.Optional(channel, "channel", 50);
        var payment = Guard.Optional(paymentFingerprint, "paymentFingerprint", 200) is { } given
            ? Referrals.SelfReferral.Hashed(given)
            : null;
        return new(from, transaction, store, at, code, ParseLines(lines), recordedAt, by, through, payment);
    }

    /// <param name="existing">the purchase already recorded under the same source and transaction id, if any</param>
    public static PointsEarned[] Decide(
        PointsAccount account,
        PurchaseState? existing,
        ProgramSettings program,
        RecordPurchase cmd
    )
    {
        if (!account.Enrolled)
            throw new NotFound("memberId", "no such member");
        if (existing is not null)
            throw new Conflict("transactionId", "this purchase is already recorded");
        if (account.Closed)
            throw new RuleBroken("memberId", "the member is closed and earns no more points");
        if (cmd.Currency != program.Currency)
            throw new RuleBroken("currency", $"the program's currency is {program.Currency}");

        var paid = cmd.Lines.Select(l => l.AmountPaid).ToArray();
        var multipliers = MultipliersOf(account, program, cmd.OccurredAt);
        var multiplier = EarnRule.Combined(multipliers.Select(m => m.Factor));
        var total = paid.Sum() * program.EarnRate.Points / program.EarnRate.PerAmount * multiplier;
        if (total > MaxPointsPerPurchase)
            throw new RuleBroken("lines", $"would earn more than {MaxPointsPerPurchase} points");
        var basePoints = EarnRule.PointsPerLine(paid, program.EarnRate);
        var points = multipliers.Length == 0 ? basePoints : EarnRule.PointsPerLine(paid, program.EarnRate, multiplier);
        var earned = cmd
            .Lines.Select(
                (l, i) =>
                    new EarnedLine(
                        l.LineId,
                        l.Sku,
                        l.Category,
                        l.Quantity,
                        l.UnitPrice,
                        l.Discount,
                        paid[i],
                        points[i],
                        basePoints[i]
                    )
            )
            .ToArray();
        var sum = points.Sum();

        return
        [
            new PointsEarned(
                account.MemberId,
                cmd.Source,
                cmd.TransactionId,
                cmd.StoreId,
                cmd.Currency,
                paid.Sum(),
                earned,
                sum,
                account.Balance.SettlesDeficit(sum),
                program.RuleVersion,
                program.EarnRate,
                cmd.OccurredAt,
                cmd.RecordedAt,
                cmd.By,
                AvailableAt: program.AvailableAt(cmd.OccurredAt),
                ExpiresAt: program.ExpiresAt(cmd.OccurredAt),
                OpenLotsExpireAt: program.OpenLotsExpireAfter(cmd.OccurredAt),
                BasePoints: basePoints.Sum(),
                Multipliers: multipliers,
                Channel: cmd.Channel,
                PaymentFingerprint: cmd.PaymentFingerprint
            ),
        ];
    }

    /// <summary>
    /// The purchase's earning, then what campaigns gave on top (a first purchase sets off first-purchase campaigns
    /// too). Campaigns decide on the account the earning leaves.
    /// </summary>
    public static IReadOnlyList<IMemberEvent> DecideWithCampaigns(
        PointsAccount account,
        PurchaseState? existing,
        ProgramSettings program,
        IReadOnlyList<Campaign> campaigns,
        IReadOnlyDictionary<string, long> budgetLeft,
        RecordPurchase cmd
    )
    {
        var earned = Decide(account, existing, program, cmd).Single();
        var after = PointsAccount.Evolve(account, earned);
        var outcome = CampaignAwards.Decide(Occasion(account, earned), after, program, campaigns, budgetLeft);
        return [earned, .. outcome.Events];
    }

    /// <summary>The purchase as campaigns see it; <paramref name="before"/> says whether it is the first.</summary>
    public static CampaignOccasion Occasion(PointsAccount before, PointsEarned earned) =>
        new(
            before.Purchases == 0
                ? [CampaignTrigger.Purchase, CampaignTrigger.FirstPurchase]
                : [CampaignTrigger.Purchase],
            PurchaseState.Key(earned.Source, earned.TransactionId),
            earned.At,
            earned.RecordedAt,
            earned.By,
            new PurchaseFacts(earned.Source, earned.TransactionId, earned.StoreId, earned.Channel, earned.Lines),
            LastPurchaseBefore: before.LastPurchaseAt
        );

    /// <summary>
    /// The multipliers in force when the purchase happened, as the member's account knows them when it is recorded:
    /// the tier they held and an active paid membership's; a multiplier of 1 is left out.
    /// </summary>
    public static EarnMultiplier[] MultipliersOf(PointsAccount account, ProgramSettings program, Instant at)
    {
        var multipliers = new List<EarnMultiplier>();
        var rules = program.TiersAt(at)?.Rules;
        if (
            rules is not null
            && TierHeld.At(account.Tier, account.Membership, rules, at).Tier is { EarnMultiplier: not 1 } tier
        )
            multipliers.Add(new EarnMultiplier(EarnMultiplier.Tier, tier.Code, tier.EarnMultiplier));
        if (account.Membership is { } membership && membership.ActiveAt(at) && membership.Plan.EarnMultiplier != 1)
            multipliers.Add(
                new EarnMultiplier(EarnMultiplier.Membership, membership.Plan.Code, membership.Plan.EarnMultiplier)
            );
        return [.. multipliers];
    }

    private static IReadOnlyList<ReceiptLine> ParseLines(IReadOnlyList<PurchaseLine?>? lines)
    {
        if (lines is null || lines.Count == 0)
            throw new InvalidInput("lines", "at least one line is required");
        if (lines.Count > MaxLines)
            throw new InvalidInput("lines", $"at most {MaxLines} lines");
        var seen = new HashSet<string>();
        return lines
            .Select(
                (line, i) =>
                {
                    var parsed = ParseLine(line ?? throw new InvalidInput($"lines[{i}]", "is required"), $"lines[{i}]");
                    if (!seen.Add(parsed.LineId))
                        throw new InvalidInput($"lines[{i}].lineId", "appears twice");
                    return parsed;
                }
            )
            .ToArray();
    }

    private static ReceiptLine ParseLine(PurchaseLine line, string field)
    {
        var id = Guard.Required(line.LineId, $"{field}.lineId", 100);
        var sku = Guard.Required(line.Sku, $"{field}.sku", 100);
        Guard.Optional(line.Category, $"{field}.category", 100);
        if (line.Quantity <= 0)
            throw new InvalidInput($"{field}.quantity", "must be greater than 0");
        if (line.Quantity > 1_000_000)
            throw new InvalidInput($"{field}.quantity", "must be at most 1000000");
        if (line.UnitPrice < 0)
            throw new InvalidInput($"{field}.unitPrice", "must not be negative");
        if (line.UnitPrice > 1_000_000_000)
            throw new InvalidInput($"{field}.unitPrice", "must be at most 1000000000");
        if (line.Discount < 0)
            throw new InvalidInput($"{field}.discount", "must not be negative");
        if (line.Discount > line.Quantity * line.UnitPrice)
            throw new InvalidInput($"{field}.discount", "must not exceed quantity × unitPrice");
        return new ReceiptLine(id, sku, line.Category, line.Quantity, line.UnitPrice, line.Discount);
    }
}
