using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Points;

public sealed record PurchaseLine(string? LineId, string? Sku, string? Category, decimal Quantity, decimal UnitPrice, decimal Discount);

/// <summary>A till or shop reports a purchase by a member; it earns points under the program's current rule.</summary>
public sealed record RecordPurchase(
    string? Source,
    string? TransactionId,
    string? StoreId,
    Instant OccurredAt,
    string? Currency,
    IReadOnlyList<PurchaseLine>? Lines,
    Instant RecordedAt,
    Actor By)
{
    public const int MaxLines = 500;
    public const int MaxPointsPerPurchase = 1_000_000;

    /// <param name="existing">the purchase already recorded under the same source and transaction id, if any</param>
    public static PointsEarned[] Decide(PointsAccount account, PurchaseState? existing, ProgramSettings program, RecordPurchase cmd)
    {
        var source = Guard.Required(cmd.Source, "source", 100);
        var transactionId = Guard.Required(cmd.TransactionId, "transactionId", 100);
        var storeId = Guard.Required(cmd.StoreId, "storeId", 100);
        var currency = Guard.Currency(cmd.Currency, "currency");
        Guard.NotInFuture(cmd.OccurredAt, cmd.RecordedAt, "occurredAt");
        var lines = CheckLines(cmd.Lines);

        if (!account.Enrolled) throw new NotFound("memberId", "no such member");
        if (existing is not null) throw new Conflict("transactionId", "this purchase is already recorded");
        if (account.Closed) throw new RuleBroken("memberId", "the member is closed and earns no more points");
        if (currency != program.Currency)
            throw new RuleBroken("currency", $"the program's currency is {program.Currency}");

        var paid = lines.Select(l => l.Quantity * l.UnitPrice - l.Discount).ToArray();
        var multipliers = MultipliersOf(account, program, cmd.OccurredAt);
        var multiplier = EarnRule.Combined(multipliers.Select(m => m.Factor));
        var total = paid.Sum() * program.EarnRate.Points / program.EarnRate.PerAmount * multiplier;
        if (total > MaxPointsPerPurchase) throw new RuleBroken("lines", $"would earn more than {MaxPointsPerPurchase} points");
        var basePoints = EarnRule.PointsPerLine(paid, program.EarnRate);
        var points = multipliers.Length == 0 ? basePoints : EarnRule.PointsPerLine(paid, program.EarnRate, multiplier);
        var earned = lines.Select((l, i) => new EarnedLine(l.LineId!, l.Sku!, l.Category, l.Quantity, l.UnitPrice, l.Discount, paid[i], points[i],
            basePoints[i])).ToArray();
        var sum = points.Sum();

        return [new PointsEarned(account.MemberId, source, transactionId, storeId, currency, paid.Sum(), earned, sum,
            account.Balance.SettlesDeficit(sum), program.RuleVersion, program.EarnRate, cmd.OccurredAt, cmd.RecordedAt, cmd.By,
            program.AvailableAt(cmd.OccurredAt), program.ExpiresAt(cmd.OccurredAt), program.OpenLotsExpireAfter(cmd.OccurredAt),
            basePoints.Sum(), multipliers)];
    }

    /// <summary>
    /// The multipliers in force when the purchase happened, as the member's account knows them when it is recorded:
    /// the tier they held and an active paid membership's; a multiplier of 1 is left out.
    /// </summary>
    public static EarnMultiplier[] MultipliersOf(PointsAccount account, ProgramSettings program, Instant at)
    {
        var multipliers = new List<EarnMultiplier>();
        if (program.TiersAt(at)?.Rules is { } rules && TierHeld.At(account.Tier, account.Membership, rules, at).Tier is { EarnMultiplier: not 1 } tier)
            multipliers.Add(new EarnMultiplier(EarnMultiplier.Tier, tier.Code, tier.EarnMultiplier));
        if (account.Membership is { } membership && membership.ActiveAt(at) && membership.Plan.EarnMultiplier != 1)
            multipliers.Add(new EarnMultiplier(EarnMultiplier.Membership, membership.Plan.Code, membership.Plan.EarnMultiplier));
        return [.. multipliers];
    }

    private static IReadOnlyList<PurchaseLine> CheckLines(IReadOnlyList<PurchaseLine>? lines)
    {
        if (lines is null || lines.Count == 0) throw new InvalidInput("lines", "at least one line is required");
        if (lines.Count > MaxLines) throw new InvalidInput("lines", $"at most {MaxLines} lines");
        var seen = new HashSet<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i] ?? throw new InvalidInput($"lines[{i}]", "is required");
            var id = Guard.Required(line.LineId, $"lines[{i}].lineId", 100);
            if (!seen.Add(id)) throw new InvalidInput($"lines[{i}].lineId", "appears twice");
            Guard.Required(line.Sku, $"lines[{i}].sku", 100);
            Guard.Optional(line.Category, $"lines[{i}].category", 100);
            if (line.Quantity <= 0) throw new InvalidInput($"lines[{i}].quantity", "must be greater than 0");
            if (line.Quantity > 1_000_000) throw new InvalidInput($"lines[{i}].quantity", "must be at most 1000000");
            if (line.UnitPrice < 0) throw new InvalidInput($"lines[{i}].unitPrice", "must not be negative");
            if (line.UnitPrice > 1_000_000_000) throw new InvalidInput($"lines[{i}].unitPrice", "must be at most 1000000000");
            if (line.Discount < 0) throw new InvalidInput($"lines[{i}].discount", "must not be negative");
            if (line.Discount > line.Quantity * line.UnitPrice)
                throw new InvalidInput($"lines[{i}].discount", "must not exceed quantity × unitPrice");
        }
        return lines.Select(l => l with { LineId = l.LineId!.Trim(), Sku = l.Sku!.Trim() }).ToArray();
    }
}
