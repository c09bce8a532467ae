using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Rules;

/// <summary>
/// When earned points stop being usable. Dates are the program's local dates: a lot whose last day is 2027-03-31
/// expires at the end of that day in the program's zone, whatever the server's or the member's zone.
/// <list type="bullet">
/// <item><c>none</c>: points never expire.</item>
/// <item><c>rolling</c>: the last day is the earning's local date plus <see cref="Months"/> (31 January + 1 month is
/// the last day of February).</item>
/// <item><c>end-of-quarter</c> / <c>end-of-year</c>: the last day of the calendar quarter or year in which the
/// earning's local date plus <see cref="Months"/> falls.</item>
/// <item><c>activity</c>: like rolling, counted from the member's latest earning or redemption, which moves every
/// open lot's expiry.</item>
/// </list>
/// </summary>
public sealed record ExpiryPolicy(string Kind, int Months)
{
    public const string None = "none",
        Rolling = "rolling",
        EndOfQuarter = "end-of-quarter",
        EndOfYear = "end-of-year",
        Activity = "activity";
    public static readonly string[] Kinds = [None, Rolling, EndOfQuarter, EndOfYear, Activity];
    public static readonly ExpiryPolicy Never = new(None, 0);

    public bool MovesWithActivity => Kind == Activity;

    public static ExpiryPolicy From(string? kind, int? months)
    {
        var k = Guard.Required(kind, "expiry.kind", 20);
        if (!Kinds.Contains(k))
            throw new InvalidInput("expiry.kind", $"must be one of {string.Join(", ", Kinds)}");
        if (k == None)
            return Never;
        if (months is not (>= 1 and <= 120))
            throw new InvalidInput("expiry.months", "must be between 1 and 120");
        return new ExpiryPolicy(k, months.Value);
    }

    /// <summary>
    /// The last local day on which points earned (or last active) on <paramref name="from"/> may be used.
    /// </summary>
    public LocalDate? LastDay(LocalDate from) =>
        Kind switch
        {
            Rolling or Activity => from.PlusMonths(Months),
            EndOfQuarter => LastDayOfQuarter(from.PlusMonths(Months)),
            EndOfYear => new LocalDate(from.PlusMonths(Months).Year, 12, 31),
            _ => null,
        };

    /// <summary>The last local day on which points expiring at <paramref name="expiresAt"/> may be used.</summary>
    public static LocalDate LastDayBefore(Instant expiresAt, DateTimeZone zone) =>
        expiresAt.InZone(zone).Date.PlusDays(-1);

    /// <summary>
    /// The instant points from <paramref name="from"/> expire: the start of the local day after their last day.
    /// </summary>
    public Instant? ExpiresAt(Instant from, DateTimeZone zone) =>
        LastDay(from.InZone(zone).Date) is { } last ? zone.AtStartOfDay(last.PlusDays(1)).ToInstant() : null;

    private static LocalDate LastDayOfQuarter(LocalDate date)
    {
        var lastMonth = (date.Month + 2) / 3 * 3;
        return new LocalDate(date.Year, lastMonth, 1).PlusMonths(1).PlusDays(-1);
    }
}
