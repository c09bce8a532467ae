using NodaTime;

namespace Loyalty.Domain.Common;

/// <summary>Shape checks shared by every command: each failure is a 400 naming the field.</summary>
public static class Guard
{
    public static string Required(string? value, string field, int maxLength = 200) =>
        Optional(value, field, maxLength) ?? throw new InvalidInput(field, "is required");

    public static string? Optional(string? value, string field, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (value.Length > maxLength)
            throw new InvalidInput(field, $"must be at most {maxLength} characters");
        // PostgreSQL stores no NUL character, and no other control character belongs in names or ids.
        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            throw new InvalidInput(field, "must not contain control characters");
        return value.Trim();
    }

    public static int Positive(int value, string field)
    {
        if (value <= 0)
            throw new InvalidInput(field, "must be greater than 0");
        return value;
    }

    public static DateTimeZone Zone(string? zoneId, string field)
    {
        if (string.IsNullOrWhiteSpace(zoneId))
            throw new InvalidInput(field, "is required");
        return DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId)
            ?? throw new InvalidInput(field, $"'{zoneId}' is not an IANA time zone id");
    }

    public static string Currency(string? code, string field)
    {
        if (string.IsNullOrWhiteSpace(code))
            throw new InvalidInput(field, "is required");
        if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
            throw new InvalidInput(field, "must be a three-letter ISO 4217 code in capitals, e.g. EUR");
        return code;
    }

    public static void NotInFuture(Instant value, Instant now, string field)
    {
        // A till's clock may run a little ahead of ours; more than that is a mistake.
        if (value > now + Duration.FromMinutes(5))
            throw new InvalidInput(field, "is in the future");
    }
}
