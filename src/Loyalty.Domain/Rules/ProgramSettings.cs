using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Rules;

/// <summary>
/// The program's current settings: currency, time zone and the earn rule, at a rule version; and whether
/// members may redeem from their own app.
/// </summary>
public sealed record ProgramSettings(int RuleVersion, string Currency, string TimeZone, EarnRate EarnRate, string Rounding, bool MembersMayRedeem = false)
{
    /// <summary>The program stream has one fixed id: there is one program per deployment.</summary>
    public static readonly Guid StreamId = new("10000000-0000-0000-0000-000000000001");

    /// <summary>Points are floored once per purchase, on the sum of what was paid on all lines.</summary>
    public const string FloorPerPurchase = "floor-per-purchase";

    public static readonly ProgramSettings None = new(0, "", "", new EarnRate(0, 1), FloorPerPurchase);

    public bool Exists => RuleVersion > 0;

    public static ProgramSettings Evolve(ProgramSettings state, IProgramEvent @event) => @event switch
    {
        ProgramSettingsChanged e => new ProgramSettings(e.RuleVersion, e.Currency, e.TimeZone, e.EarnRate, e.Rounding, e.MembersMayRedeem),
        _ => state
    };
}

/// <summary>A program manager sets the currency, time zone and earn rate. Unchanged settings record nothing.</summary>
public sealed record ChangeProgramSettings(
    string? Currency,
    string? TimeZone,
    decimal EarnPoints,
    decimal EarnPerAmount,
    int? ExpectedRuleVersion,
    Instant At,
    Actor By,
    bool? MembersMayRedeem = null)
{
    public static IProgramEvent[] Decide(ProgramSettings current, ChangeProgramSettings cmd)
    {
        var currency = Guard.Currency(cmd.Currency, "currency");
        var zone = Guard.Zone(cmd.TimeZone, "timeZone").Id;
        if (cmd.EarnPoints <= 0) throw new InvalidInput("earnRate.points", "must be greater than 0");
        if (cmd.EarnPerAmount <= 0) throw new InvalidInput("earnRate.perAmount", "must be greater than 0");
        if (cmd.ExpectedRuleVersion is { } expected && expected != current.RuleVersion)
            throw new StaleVersion("expectedRuleVersion", $"the current rule version is {current.RuleVersion}");

        var rate = new EarnRate(cmd.EarnPoints, cmd.EarnPerAmount);
        var membersMayRedeem = cmd.MembersMayRedeem ?? current.MembersMayRedeem;
        var next = current with { Currency = currency, TimeZone = zone, EarnRate = rate, MembersMayRedeem = membersMayRedeem };
        if (current.Exists && next == current) return [];
        return [new ProgramSettingsChanged(current.RuleVersion + 1, currency, zone, rate, ProgramSettings.FloorPerPurchase,
            cmd.At, cmd.By, membersMayRedeem)];
    }
}
