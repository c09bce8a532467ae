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
        [typeof(LocalDate)] = ("date", "2026-11-24"),
    };

    /// <summary>NodaTime values are inlined as plain strings rather than made components of their own.</summary>
    public static string? ReferenceId(JsonTypeInfo type) =>
        NodaTimeStrings.ContainsKey(Underlying(type.Type)) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);

    public static Task Transform(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        FlattenDescriptions(schema);
        var type = context.JsonTypeInfo.Type;
        if (NodaTimeStrings.TryGetValue(Underlying(type), out var noda))
        {
            schema.Type = JsonSchemaType.String | (Underlying(type) == type ? 0 : JsonSchemaType.Null);
            schema.Format = noda.Format;
            schema.Examples = [JsonValue.Create(noda.Example)];
            return Task.CompletedTask;
        }
        // Money and quantities are exact decimals: a generated client should not make doubles of them.
        if (Underlying(type) == typeof(decimal))
            schema.Format = "decimal";
        var isType = context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && context.JsonPropertyInfo is null;
        if (isType)
            schema.Required = RequiredOf(type, context.JsonTypeInfo.Properties);
        return Task.CompletedTask;
    }

    /// <summary>Runs last, on the whole document: a request's required properties may not be null.</summary>
    public static void SettleRequests(OpenApiDocument document)
    {
        foreach (var (name, component) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (!name.EndsWith(RequestSuffix))
                continue;
            if (component is not OpenApiSchema { Properties: { } properties } schema)
                continue;
            foreach (var required in schema.Required ?? new HashSet<string>())
                if (properties.TryGetValue(required, out var property))
                    properties[required] = NotNull(property);
        }
    }

    public static string? Flattened(string? text) =>
        text is null ? null : string.Join(' ', text.Split('\n', SplitOptions));

    private const StringSplitOptions SplitOptions =
        StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;

    private static HashSet<string>? RequiredOf(Type type, IList<JsonPropertyInfo> properties)
    {
        var required = properties.Where(p => !IsRequest(type) || IsMarkedRequired(p)).Select(p => p.Name).ToHashSet();
        return required.Count == 0 ? null : required;
    }

    private static IOpenApiSchema NotNull(IOpenApiSchema property)
    {
        if (property is OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, var other] })
            return other;
        if (property is OpenApiSchema { Type: { } type } schema)
            schema.Type = type & ~JsonSchemaType.Null;
        return property;
    }

    /// <summary>Doc comments keep their line breaks and indentation; a description reads as one paragraph.</summary>
    private static void FlattenDescriptions(OpenApiSchema schema)
    {
        schema.Description = Flattened(schema.Description);
        if (schema.Metadata?.TryGetValue("x-ref-description", out var onReference) == true)
            schema.Metadata["x-ref-description"] = Flattened(onReference as string)!;
    }

    private static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    /// <summary>How a request body's type is named: the schemas and the log filter know requests by it.</summary>
    public const string RequestSuffix = "Request";

    public static bool IsRequest(Type type) => type.Name.EndsWith(RequestSuffix);

    private static bool IsMarkedRequired(JsonPropertyInfo property) =>
        property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), true) == true
        || property.AssociatedParameter?.AttributeProvider is ParameterInfo parameter
            && parameter.IsDefined(typeof(RequiredAttribute), true);
}
