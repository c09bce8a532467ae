using Loyalty.Domain.Common;
using NodaTime;
using NodaTime.Text;

namespace Loyalty.Api.Infrastructure;

/// <summary>Values read from a query string, refused with the parameter's name when they do not parse.</summary>
public static class QueryValues
{
    public static Instant? Instant(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var parsed = InstantPattern.ExtendedIso.Parse(value);
        return parsed.Success
            ? parsed.Value
            : throw new InvalidInput(field, "is not an ISO instant, e.g. 2026-11-24T10:00:00Z");
    }

    /// <summary>A required ISO date.</summary>
    public static LocalDate Date(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidInput(field, "is required")
        : LocalDatePattern.Iso.Parse(value) is not { Success: true } date
            ? throw new InvalidInput(field, "is not a date, e.g. 2026-11-30")
        : date.Value.Year is < 1 or > 9998 ? throw new InvalidInput(field, "must be in the years 1 to 9998")
        : date.Value;

    /// <summary>The local days <paramref name="from"/> to <paramref name="to"/>, both included: at most
    /// <paramref name="maxDays"/>.</summary>
    public static (LocalDate From, LocalDate To) Days(string? from, string? to, int maxDays)
    {
        var (first, last) = (Date(from, "from"), Date(to, "to"));
        if (first > last)
            throw new InvalidInput("from", "is after to");
        if (Period.Between(first, last, PeriodUnits.Days).Days >= maxDays)
            throw new InvalidInput("to", $"is more than {maxDays} days after from");
        return (first, last);
    }

    /// <summary>A list's page size: 50 unless asked, at most 500.</summary>
    public static int PageSize(int? limit) =>
        limit is null ? 50
        : limit is >= 1 and <= 500 ? limit.Value
        : throw new InvalidInput("limit", "must be between 1 and 500");

    /// <summary>A cursor a list gave: a positive event sequence.</summary>
    public static long? Cursor(string? value) =>
        value is null ? null
        : long.TryParse(value, out var c) && c > 0 ? c
        : throw new InvalidInput("cursor", "is not a cursor this endpoint gave");
}
