using Loyalty.Domain.Common;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Memberships;

/// <summary>
/// A paid membership plan: its price per <see cref="Period"/> (<c>monthly</c> or <c>annual</c>), and what it gives
/// while active: an earn multiplier, a tier held at least (<see cref="MinimumTier"/>), bonus points each period and
/// named benefits.
/// </summary>
public sealed record MembershipPlan(
    string Code,
    string Name,
    Money Price,
    string Period,
    decimal EarnMultiplier,
    string? MinimumTier,
    int BonusPoints,
    IReadOnlyList<string> Benefits
)
{
    public const string Monthly = "monthly",
        Annual = "annual";
    public const int MaxPlans = 20,
        MaxBonusPoints = 1_000_000;

    /// <summary>
    /// When a period starting at <paramref name="start"/> ends: 00:00 in the program's zone on the same local date a
    /// month or
    /// a year later (31 January + 1 month: the last day of February).
    /// </summary>
    public Instant PeriodEnd(Instant start, DateTimeZone zone)
    {
        var date = start.InZone(zone).Date;
        return zone.AtStartOfDay(Period == Annual ? date.PlusYears(1) : date.PlusMonths(1)).ToInstant();
    }

    /// <summary>Plans as sent, checked for shape: each failure names the field.</summary>
    public static IReadOnlyList<MembershipPlan> Parse(IReadOnlyList<MembershipPlan?>? plans)
    {
        if (plans is null)
            throw new InvalidInput("plans", "is required");
        if (plans.Count > MaxPlans)
            throw new InvalidInput("plans", $"at most {MaxPlans} plans");
        var parsed = new List<MembershipPlan>();
        for (var i = 0; i < plans.Count; i++)
        {
            var field = $"plans[{i}]";
            var plan = plans[i] ?? throw new InvalidInput(field, "is required");
            var code = Guard.Required(plan.Code, $"{field}.code", 50);
            if (parsed.Any(p => p.Code == code))
                throw new InvalidInput($"{field}.code", "appears twice");
            var name = Guard.Required(plan.Name, $"{field}.name", 100);
            var price = plan.Price ?? throw new InvalidInput($"{field}.price", "is required");
            if (price.Amount <= 0 || decimal.Round(price.Amount, 2) != price.Amount)
                throw new InvalidInput($"{field}.price.amount", "must be greater than 0, in cents");
            Guard.Currency(price.Currency, $"{field}.price.currency");
            if (plan.Period is not (Monthly or Annual))
                throw new InvalidInput($"{field}.period", $"must be {Monthly} or {Annual}");
            var minimumTier = Guard.Optional(plan.MinimumTier, $"{field}.minimumTier", 50);
            if (plan.BonusPoints is < 0 or > MaxBonusPoints)
                throw new InvalidInput($"{field}.bonusPoints", $"must be between 0 and {MaxBonusPoints}");
            parsed.Add(
                new MembershipPlan(
                    code,
                    name,
                    price,
                    plan.Period,
                    TierRules.CheckedMultiplier(plan.EarnMultiplier, $"{field}.earnMultiplier"),
                    minimumTier,
                    plan.BonusPoints,
                    TierRules.CheckedBenefits(plan.Benefits, $"{field}.benefits")
                )
            );
        }
        return parsed;
    }

    /// <summary>Checked plans the program can offer: priced in its currency, guaranteeing only its tiers.</summary>
    public static IReadOnlyList<MembershipPlan> OfferedBy(
        IReadOnlyList<MembershipPlan> plans,
        string programCurrency,
        TierRules? tiers
    )
    {
        for (var i = 0; i < plans.Count; i++)
        {
            if (plans[i].Price.Currency != programCurrency)
                throw new RuleBroken($"plans[{i}].price.currency", $"the program's currency is {programCurrency}");
            if (plans[i].MinimumTier is { } tier && tiers?.Find(tier) is null)
                throw new RuleBroken($"plans[{i}].minimumTier", "is not a tier of the program");
        }
        return plans;
    }
}
