using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// Each operation as a client sees it: a one-line summary and the doc comment as its description, the permission it
/// needs, a required body, and every answer it can give, refusals and headers included.
/// </summary>
internal static class OpenApiOperations
{
    private const string ProblemJson = "application/problem+json";

    public static Task Transform(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        CancellationToken _
    )
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= new OpenApiResponses();
        // Endpoints return IResult to answer a replay or a refusal; their real answers are declared with attributes.
        foreach (var (status, response) in operation.Responses.ToArray())
            if (response.Content?.Values.Any(IsResult) ?? false)
                operation.Responses.Remove(status);
        // Wolverine assumes any endpoint may answer 404; only those that declare it, or read an id from the route, do.
        var declares404 = metadata.OfType<RefusesAttribute>().Any(r => r.StatusCode == 404);
        if (!declares404 && !HasIdInPath(operation))
            operation.Responses.Remove("404");

        Describe(operation, metadata);
        if (operation.RequestBody is OpenApiRequestBody body)
            body.Required = true;
        AddRefusals(operation, context, anonymous: metadata.OfType<IAllowAnonymous>().Any());
        AddHeaders(operation, metadata);
        return Task.CompletedTask;
    }

    /// <summary>The doc comment's first clause is the summary; all of it and the permission, the description.</summary>
    private static void Describe(OpenApiOperation operation, IList<object> metadata)
    {
        var comment = operation.Summary is { } s && !s.Contains('_') ? OpenApiSchemas.Flattened(s) : null;
        operation.Summary = comment is null ? null : FirstSentence(comment);
        var permission = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).FirstOrDefault(p => p is not null);
        var needs = permission is null ? null : $"Needs the permission `{permission}`.";
        operation.Description = string.Join("\n\n", new[] { comment, needs }.Where(t => t is not null));
    }

    private static void AddRefusals(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        bool anonymous
    )
    {
        var statuses = new List<int>();
        if (operation.RequestBody is not null)
            statuses.AddRange([400, 415]);
        if (operation.Parameters is { Count: > 0 })
            statuses.Add(400);
        if (HasIdInPath(operation))
            statuses.Add(404); // not a UUID: no such resource
        if (!anonymous)
            statuses.AddRange([401, 403, 429, 503]);
        foreach (var status in statuses)
            operation.Responses!.TryAdd(status.ToString(), new OpenApiResponse());

        foreach (var (code, response) in operation.Responses!)
        {
            if (!int.TryParse(code, out var status) || status < 400)
                continue;
            if (response is not OpenApiResponse refusal)
                continue;
            refusal.Description = Problems.TitleOf(status);
            refusal.Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemJson] = new() { Schema = new OpenApiSchemaReference(nameof(Problem), context.Document) },
            };
            if (status is 429 or 503)
                Header(refusal, "Retry-After", "Seconds to wait before retrying.", JsonSchemaType.Integer);
            if (status is 401)
                Header(refusal, "WWW-Authenticate", "The scheme to use: `Bearer`.", JsonSchemaType.String);
        }
    }

    private static void AddHeaders(OpenApiOperation operation, IList<object> metadata)
    {
        var responses = operation.Responses!;
        if (metadata.OfType<IdempotentAttribute>().Any())
            foreach (var (_, response) in responses.Where(r => r.Key.StartsWith('2') && r.Value is OpenApiResponse))
                Header((OpenApiResponse)response, "Idempotent-Replay", Replay, JsonSchemaType.String);
        if (metadata.OfType<CsvAttribute>().Any() && responses.GetValueOrDefault("200") is OpenApiResponse table)
        {
            table.Content ??= new Dictionary<string, OpenApiMediaType>();
            table.Content["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            Header(
                table,
                "Content-Disposition",
                "With `text/csv`: the file name to save it under.",
                JsonSchemaType.String
            );
        }
        foreach (var header in metadata.OfType<IntegerHeaderAttribute>())
            if (responses.GetValueOrDefault("200") is OpenApiResponse answered)
                Header(answered, header.Name, header.Description, JsonSchemaType.Integer);
        foreach (var locates in metadata.OfType<LocatesAttribute>())
            if (responses.GetValueOrDefault(locates.Status.ToString()) is OpenApiResponse located)
                Header(located, "Location", "Where the resource can be read.", JsonSchemaType.String);
    }

    private static bool IsResult(OpenApiMediaType content) =>
        content.Schema is OpenApiSchemaReference { Reference.Id: nameof(IResult) };

    private const string Replay = "`true` when this answers a retry with the first answer; nothing was applied again.";

    private static bool HasIdInPath(OpenApiOperation operation) =>
        operation.Parameters?.Any(p => p.In == ParameterLocation.Path && p.Schema?.Format == "uuid") == true;

    private static void Header(OpenApiResponse response, string name, string description, JsonSchemaType type)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        var schema = new OpenApiSchema { Type = type };
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = schema };
    }

    /// <summary>The first clause: up to the first full stop, colon or semicolon.</summary>
    private static string FirstSentence(string text)
    {
        var ends = new[] { ". ", ": ", "; " }.Select(e => text.IndexOf(e, StringComparison.Ordinal)).Where(i => i > 0);
        return (ends.Any() ? text[..ends.Min()] : text).TrimEnd('.');
    }
}
