using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NodaTime;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// Schemas that say what the service really sends and accepts. NodaTime values are strings in their ISO formats.
/// A request (a type named <c>…Request</c>) requires exactly the properties marked <c>[Required]</c>, and those
/// may not be null; every other property may be left out or be null. An answer always carries every property.
/// </summary>
internal static class OpenApiSchemas
{
    private static readonly Dictionary<Type, (string Format, string Example)> NodaTimeStrings = new()
    {
        [typeof(Instant)] = ("date-time", "2026-11-24T10:00:00Z"),
        [typeof(LocalDate)] = ("date", "2026-11-24")
    };

    /// <summary>NodaTime values are inlined as plain strings rather than made components of their own.</summary>
    public static string? ReferenceId(JsonTypeInfo type) =>
        NodaTimeStrings.ContainsKey(Nullable.GetUnderlyingType(type.Type) ?? type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);

    public static Task Transform(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        FlattenDescriptions(schema);
        var type = context.JsonTypeInfo.Type;
        if (NodaTimeStrings.TryGetValue(Nullable.GetUnderlyingType(type) ?? type, out var noda))
        {
            schema.Type = Nullable.GetUnderlyingType(type) is null ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = noda.Format;
            schema.Examples = [JsonValue.Create(noda.Example)];
            return Task.CompletedTask;
        }
        // Money and quantities are exact decimals: a generated client should not make doubles of them.
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(decimal)) schema.Format = "decimal";
        if (context.JsonTypeInfo.Kind != JsonTypeInfoKind.Object || context.JsonPropertyInfo is not null) return Task.CompletedTask;
        var properties = context.JsonTypeInfo.Properties;
        schema.Required = new HashSet<string>(IsRequest(type) ? properties.Where(IsMarkedRequired).Select(p => p.Name) : properties.Select(p => p.Name));
        if (schema.Required.Count == 0) schema.Required = null;
        return Task.CompletedTask;
    }

    /// <summary>Runs last, on the whole document: a request's required properties may not be null.</summary>
    public static void SettleRequests(OpenApiDocument document)
    {
        foreach (var (name, component) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (!name.EndsWith("Request") || component is not OpenApiSchema { Properties: { } properties } schema) continue;
            foreach (var required in schema.Required ?? new HashSet<string>())
                if (properties.TryGetValue(required, out var property)) properties[required] = NotNull(property);
        }
    }

    private static IOpenApiSchema NotNull(IOpenApiSchema property) => property switch
    {
        OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, var other] } => other,
        OpenApiSchema { Type: { } type } schema when type.HasFlag(JsonSchemaType.Null) => Without(schema, type & ~JsonSchemaType.Null),
        _ => property
    };

    private static OpenApiSchema Without(OpenApiSchema schema, JsonSchemaType type)
    {
        schema.Type = type;
        return schema;
    }

    /// <summary>Doc comments keep their source's line breaks and indentation; a description reads as one paragraph.</summary>
    private static void FlattenDescriptions(OpenApiSchema schema)
    {
        schema.Description = Flattened(schema.Description);
        if (schema.Metadata?.TryGetValue("x-ref-description", out var onReference) == true)
            schema.Metadata["x-ref-description"] = Flattened(onReference as string)!;
    }

    public static string? Flattened(string? text) =>
        text is null ? null : string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static bool IsRequest(Type type) => type.Name.EndsWith("Request");

    private static bool IsMarkedRequired(JsonPropertyInfo property) =>
        property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), true) == true ||
        (property.AssociatedParameter?.AttributeProvider as ParameterInfo)?.IsDefined(typeof(RequiredAttribute), true) == true;
}
