using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// A refusal as every endpoint answers it (<c>application/problem+json</c>): the offending <c>field</c> and the
/// <c>reason</c>, in plain words, beside the standard members of RFC 9457.
/// </summary>
/// <param name="Type">A link to the status's definition in RFC 9110 (RFC 6585 for 429), the same for a status.</param>
/// <param name="Title">A short, stable title for the status, e.g. "A business rule refuses the request".</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">The field and the reason in one line: <c>"points: only 40 available"</c>.</param>
/// <param name="Field">The request field, route or query parameter, or header at fault: <c>lines[0].quantity</c>,
/// <c>url</c>, <c>body</c>, <c>Authorization</c>.</param>
/// <param name="Reason">Why it was refused.</param>
/// <param name="TraceId">The request's trace id, to find it in the service's logs.</param>
public sealed record Problem(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Field,
    string Reason,
    string TraceId
);

/// <summary>Declares on an endpoint a refusal it can answer, as <c>application/problem+json</c>.</summary>
public sealed class RefusesAttribute(int status)
    : ProducesResponseTypeAttribute(typeof(Problem), status, "application/problem+json");

/// <summary>
/// Declares a write that is idempotent by the caller's key: a retry answers the first answer again, marked with
/// the header <c>Idempotent-Replay: true</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;

/// <summary>
/// Declares a read that also answers as CSV when asked with <c>Accept: text/csv</c>, with the file name to save it
/// under in <c>Content-Disposition</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CsvAttribute : Attribute;

/// <summary>Declares a whole-number header the 200 answer carries.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class IntegerHeaderAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;
    public string Description { get; } = description;
}

/// <summary>Declares that the <paramref name="status"/> answer names the resource in <c>Location</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LocatesAttribute(int status) : Attribute
{
    public int Status { get; } = status;
}

public static class OpenApi
{
    public const string DocumentPath = "/openapi/v1.json";

    public static void Configure(OpenApiOptions options, IConfiguration configuration)
    {
        options.CreateSchemaReferenceId = OpenApiSchemas.ReferenceId;
        options.AddSchemaTransformer(OpenApiSchemas.Transform);
        options.AddOperationTransformer(OpenApiOperations.Transform);
        options.AddDocumentTransformer(
            (document, _, _) =>
            {
                Describe(document, configuration["Loyalty:PublicUrl"]);
                OpenApiSchemas.SettleRequests(document);
                return Task.CompletedTask;
            }
        );
    }

    private static void Describe(OpenApiDocument document, string? publicUrl)
    {
        document.Info.Title = "Loyalty API";
        document.Info.Version = "1";
        document.Info.Description = Introduction;
        // A stable address: the configured public URL, or relative to wherever the document was read from.
        var server = string.IsNullOrWhiteSpace(publicUrl) ? "/" : publicUrl.TrimEnd('/');
        document.Servers = [new OpenApiServer { Url = server }];
        document.Tags = Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }).ToHashSet();
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas?.Remove(nameof(IResult));
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (lk_…), or a JWT from the identity provider for members' apps and staff.",
            },
            [ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Api-Key",
                Description = "An API key (lk_…).",
            },
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
        ];
    }

    public const string BearerScheme = "Bearer";
    public const string ApiKeyScheme = "ApiKey";

    private static readonly Dictionary<string, string> Tags = new()
    {
        ["Members"] = "Enrolling members, their profiles and closing them.",
        ["Points"] = "Purchases, returns, redemptions and adjustments, and the balance, lots and ledger they make.",
        ["Holds"] = "Points reserved at checkout, then captured or released.",
        ["Tiers"] = "Tier rules, a member's standing, assignments, previews and the tier report.",
        ["Memberships"] = "Paid membership plans and what billing reports about a member's membership.",
        ["Program"] = "The program's currency, zone, earn rate, pending period, expiry and point value.",
        ["Access"] = "API keys, staff roles and the audit of what was done with them.",
    };

    private const string Introduction = """
        Points ledger, members, tiers and paid memberships of a loyalty program.

        **Credentials.** Systems send an API key (`X-Api-Key: lk_…` or `Authorization: Bearer lk_…`); members' apps
        and staff send a JWT from the program's identity provider. Each operation names the permission it needs.

        **Retries.** Every write from a system is idempotent by the caller's own key (`transactionId`,
        `redemptionId`, `holdId`, …): sending it again answers the first answer again with the header
        `Idempotent-Replay: true`, and the same key with different content is a 409. Nothing is applied twice, also
        when duplicates arrive at once.

        **Refusals** are `application/problem+json` (the `Problem` schema) naming the `field` at fault and the `reason`;
        a refused request changes nothing. 429 and 503 answers carry `Retry-After`.

        **Values.** Points are integers. Money is a decimal number with its ISO 4217 currency. Instants are RFC 3339
        date-times, read with `Z` or an offset and answered in UTC (`2026-11-24T10:00:00Z`); dates are `yyyy-MM-dd`;
        time zones are IANA ids (`Europe/Amsterdam`).
        """;
}
