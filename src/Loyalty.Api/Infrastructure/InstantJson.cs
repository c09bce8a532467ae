using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// Instants over HTTP as RFC 3339 says a <c>date-time</c> is: any offset is read (<c>2026-11-24T11:00:00+01:00</c> is
/// the same instant as <c>2026-11-24T10:00:00Z</c>, which is how clients generated from the document send them), and
/// every instant is written in UTC with a <c>Z</c>.
/// </summary>
public sealed class InstantJson : JsonConverter<Instant>
{
    private static readonly OffsetDateTimePattern Iso = OffsetDateTimePattern.ExtendedIso;

    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Without a message of its own, the serializer's names the field and type; Problems words it for the caller.
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException();
        var parsed = Iso.Parse(reader.GetString()!);
        return parsed.Success ? parsed.Value.ToInstant() : throw new JsonException();
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
}
