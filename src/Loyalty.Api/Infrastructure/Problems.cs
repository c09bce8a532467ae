using System.Text.Json;
using System.Text.RegularExpressions;
using Loyalty.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// The one place where a refusal becomes an HTTP answer: <c>application/problem+json</c> with the offending
/// <c>field</c> and the <c>reason</c>. Nothing unexpected leaves as a bare 500 page either.
/// </summary>
public sealed class Problems(ILogger<Problems> log) : IExceptionHandler
{
    public static int StatusOf(DomainError error) =>
        error switch
        {
            InvalidInput => StatusCodes.Status400BadRequest,
            NotFound => StatusCodes.Status404NotFound,
            Conflict => StatusCodes.Status409Conflict,
            StaleVersion => StatusCodes.Status412PreconditionFailed,
            Auth.Forbidden => StatusCodes.Status403Forbidden,
            RuleBroken => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status400BadRequest,
        };

    public static string TitleOf(int status) =>
        status switch
        {
            400 => "The request is not valid",
            401 => "Credentials are missing or not valid",
            403 => "This caller may not do this",
            404 => "Not found",
            405 => "The method is not allowed here",
            409 => "Conflict",
            412 => "The version is stale",
            415 => "The body must be JSON",
            422 => "A business rule refuses the request",
            429 => "Too many requests",
            500 => "An unexpected error; nothing was changed",
            503 => "Unavailable for a moment; retry",
            _ => "The request failed",
        };

    public static IResult For(DomainError error) => For(StatusOf(error), error.Field, error.Reason);

    /// <summary>The type link, title and detail are added by <see cref="Normalize"/>, as for every problem.</summary>
    public static IResult For(int status, string field, string reason) =>
        Results.Problem(
            new ProblemDetails { Status = status, Extensions = { ["field"] = field, ["reason"] = reason } }
        );

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var result = Translate(exception);
        if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status503ServiceUnavailable })
            context.Response.Headers.RetryAfter = "2";
        if (result is null)
        {
            log.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            result = For(
                StatusCodes.Status500InternalServerError,
                "request",
                "an unexpected error; nothing was changed"
            );
        }
        await result.ExecuteAsync(context);
        return true;
    }

    private static IResult? Translate(Exception exception) =>
        exception switch
        {
            DomainError error => For(error),
            JsonException json => For(400, JsonField(json.Path), JsonReason(json.Message, json.Path)),
            BadHttpRequestException { InnerException: JsonException json } => For(
                400,
                JsonField(json.Path),
                JsonReason(json.Message, json.Path)
            ),
            BadHttpRequestException bad => For(bad.StatusCode, "body", FirstLine(bad.Message)),
            // Still losing the race for a stream after every retry: nothing was written, the caller may retry.
            _ when EventStreams.IsWriteConflict(exception) => For(
                503,
                "memberId",
                "too many concurrent writes to this member; retry"
            ),
            // The database is down or restarting: nothing acknowledged is lost, and the caller may retry.
            Npgsql.NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException =>
                For(503, "database", "the database is not reachable at the moment; retry"),
            _ when exception.InnerException is { } inner => Translate(inner),
            _ => null,
        };

    /// <summary>
    /// Every problem the service writes passes here, its own and the framework's (unreadable JSON, unknown routes,
    /// wrong methods, bodies that are not JSON): one kind of <c>type</c> link and title per status, the field and the
    /// reason always named, no internal type name, and one log line without a stack trace.
    /// </summary>
    public static void Normalize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var (field, reason) =
            problem.Extensions.TryGetValue("field", out var f) && f is string named
                ? (named, problem.Extensions["reason"] as string ?? "")
                : FieldAndReason(status, problem, context.HttpContext);
        problem.Status = status;
        problem.Type = TypeOf(status);
        problem.Title = TitleOf(status);
        problem.Detail = $"{field}: {reason}";
        problem.Extensions["field"] = field;
        problem.Extensions["reason"] = reason;
        problem.Instance = null; // only some framework problems set it: every problem has the same members
        problem.Extensions.Remove("lineNumber"); // where in the body the serializer stopped: not the caller's concern
        problem.Extensions.Remove("bytePositionInLine");

        if (status is >= 500 and not 503)
            return; // logged with its stack trace where it was caught
        var http = context.HttpContext;
        var level = status == 503 ? LogLevel.Warning : LogLevel.Information;
        http.RequestServices.GetRequiredService<ILogger<Problems>>()
            .Log(
                level,
                "{Method} {Path} refused with {Status} on {Field}",
                http.Request.Method,
                http.Request.Path,
                status,
                field
            );
    }

    /// <summary>RFC 9110's section for each status (RFC 6585 for 429), the same link for the same status.</summary>
    private static string TypeOf(int status) =>
        status switch
        {
            429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
            >= 400 and <= 417 => $"https://www.rfc-editor.org/rfc/rfc9110#section-15.5.{status - 399}",
            421 or 422 => $"https://www.rfc-editor.org/rfc/rfc9110#section-15.5.{status - 401}",
            426 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.22",
            >= 500 and <= 505 => $"https://www.rfc-editor.org/rfc/rfc9110#section-15.6.{status - 499}",
            _ => "about:blank",
        };

    private static (string Field, string Reason) FieldAndReason(int status, ProblemDetails problem, HttpContext http) =>
        status switch
        {
            404 => ("url", "no such resource"), // no route matched, e.g. a member id that is not a UUID
            405 => ("method", $"{http.Request.Method} is not allowed here; allowed: {http.Response.Headers.Allow}"),
            415 => ("Content-Type", "the body must be application/json"),
            _ when problem.Extensions.TryGetValue("parameter", out var p) && p is string parameter => (
                parameter,
                problem.Detail ?? "is not valid"
            ), // an unparseable query string value
            _ when problem.Detail is { } detail && JsonPathIn(detail) is var path => (
                JsonField(path),
                JsonReason(detail, path)
            ),
            _ => ("request", problem.Title ?? "is not valid"),
        };

    private static string? JsonPathIn(string message) =>
        Regex.Match(message, @"Path: (\S+)") is { Success: true } path ? path.Groups[1].Value : null;

    /// <summary>"$.lines[0].quantity" becomes "lines[0].quantity"; the whole body is "body".</summary>
    public static string JsonField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body"
        : path.StartsWith("$.") ? path[2..]
        : path.TrimStart('$');

    /// <summary>
    /// What the value should have been, in the caller's words rather than .NET type names. For a property read
    /// through a record's constructor the serializer names the record, so the property is looked up in it.
    /// </summary>
    private static string JsonReason(string message, string? path)
    {
        var converted = Regex.Match(message, @"could not be converted to (\S+?)\.? Path");
        if (!converted.Success)
            return message.Contains("NodaTime") || message.Contains("Loyalty.")
                ? "is not in the expected format"
                : FirstLine(message);
        var named = converted.Groups[1].Value;
        var record = named.StartsWith("Loyalty.")
            ? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(named)).FirstOrDefault(t => t is not null)
            : null;
        var last = path?.Split('.')[^1];
        var property = record
            ?.GetProperties()
            .FirstOrDefault(p => string.Equals(p.Name, last, StringComparison.OrdinalIgnoreCase))
            ?.PropertyType;
        var type = property is null ? named : (Nullable.GetUnderlyingType(property) ?? property).ToString();
        return "must be " + Kind(Regex.Replace(type, @"^System\.Nullable`1\[(.+)\]$", "$1"));
    }

    private static string Kind(string type) =>
        type switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" => "a whole number",
            "System.Decimal" or "System.Double" => "a number",
            "System.String" => "a string",
            "System.Boolean" => "true or false",
            "System.Guid" => "a UUID",
            "NodaTime.Instant" => "an ISO 8601 date-time with Z or an offset, e.g. 2026-11-24T10:00:00Z",
            "NodaTime.LocalDate" => "a date, yyyy-MM-dd",
            _ when type.Contains("List`1") || type.EndsWith("[]") => "an array",
            _ => "an object",
        };

    private static string FirstLine(string message) =>
        message.Split('\n')[0].Split(" Path:")[0].Split(" | LineNumber")[0].Trim();
}
