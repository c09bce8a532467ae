using System.Text.Json;
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
    public static int StatusOf(DomainError error) => error switch
    {
        InvalidInput => StatusCodes.Status400BadRequest,
        NotFound => StatusCodes.Status404NotFound,
        Conflict => StatusCodes.Status409Conflict,
        StaleVersion => StatusCodes.Status412PreconditionFailed,
        Auth.Forbidden => StatusCodes.Status403Forbidden,
        RuleBroken => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status400BadRequest
    };

    private static string TitleOf(int status) => status switch
    {
        400 => "The request is not valid",
        401 => "Credentials are missing or not valid",
        403 => "This caller may not do this",
        404 => "Not found",
        409 => "Conflict",
        412 => "The version is stale",
        422 => "A business rule refuses the request",
        429 => "Too many requests",
        503 => "Unavailable for a moment; retry",
        _ => "The request failed"
    };

    public static IResult For(DomainError error) => For(StatusOf(error), error.Field, error.Reason);

    public static IResult For(int status, string field, string reason)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = TitleOf(status),
            Detail = $"{field}: {reason}",
            Type = $"https://httpstatuses.io/{status}",
            Extensions = { ["field"] = field, ["reason"] = reason }
        };
        return Results.Problem(problem);
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var result = Translate(exception);
        if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status503ServiceUnavailable })
            context.Response.Headers.RetryAfter = "2";
        if (result is null)
        {
            log.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            result = For(StatusCodes.Status500InternalServerError, "request", "an unexpected error; nothing was changed");
        }
        await result.ExecuteAsync(context);
        return true;
    }

    private static IResult? Translate(Exception exception) => exception switch
    {
        DomainError error => For(error),
        JsonException json => For(400, JsonField(json.Path), FirstLine(json.Message)),
        BadHttpRequestException { InnerException: JsonException json } => For(400, JsonField(json.Path), FirstLine(json.Message)),
        BadHttpRequestException bad => For(bad.StatusCode, "body", FirstLine(bad.Message)),
        // Still losing the race for a stream after every retry: nothing was written, the caller may retry.
        _ when EventStreams.IsWriteConflict(exception) => For(503, "memberId", "too many concurrent writes to this member; retry"),
        // The database is down or restarting: nothing acknowledged is lost, and the caller may retry.
        Npgsql.NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException =>
            For(503, "database", "the database is not reachable at the moment; retry"),
        _ when exception.InnerException is { } inner => Translate(inner),
        _ => null
    };

    /// <summary>
    /// Unreadable JSON and unknown routes are answered by the framework before any endpoint runs; this adds
    /// the field and the reason to their problems, like every other refusal has.
    /// </summary>
    public static void NameTheField(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("field")) return;
        if (problem.Status == 404)
        {
            // No route matched, e.g. a member id that is not a GUID.
            problem.Extensions["field"] = "url";
            problem.Extensions["reason"] = "no such resource";
            return;
        }
        if (problem.Status != 400 || problem.Detail is null) return;
        if (problem.Extensions.TryGetValue("parameter", out var parameter) && parameter is string name)
        {
            problem.Extensions["field"] = name; // an unparseable query string value
            problem.Extensions["reason"] = problem.Detail;
            return;
        }
        var path = System.Text.RegularExpressions.Regex.Match(problem.Detail, @"Path: (\S+)");
        problem.Extensions["field"] = JsonField(path.Success ? path.Groups[1].Value : null);
        problem.Extensions["reason"] = FirstLine(problem.Detail);
    }

    /// <summary>"$.lines[0].quantity" becomes "lines[0].quantity"; the whole body is "body".</summary>
    public static string JsonField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.") ? path[2..] : path.TrimStart('$');

    private static string FirstLine(string message) => message.Split('\n')[0].Split(" Path:")[0].Trim();
}
