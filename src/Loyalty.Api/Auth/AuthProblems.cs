using Loyalty.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Loyalty.Api.Auth;

/// <summary>401 and 403 as <c>application/problem+json</c> naming what was missing, like every other refusal.</summary>
public sealed class AuthProblems : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(
        RequestDelegate next,
        HttpContext context,
        AuthorizationPolicy policy,
        PolicyAuthorizationResult result
    )
    {
        // Deny by default is for the API's routes. No route at all, or the framework's answer to a wrong method or a
        // body that is not JSON, goes on to its own honest status: 404, 405 with Allow, 415.
        if (context.GetEndpoint() is not RouteEndpoint)
        {
            await next(context);
            return;
        }
        if (result.Challenged)
        {
            // The middleware keeps only a successful result; the handler remembers why it failed.
            var failure = (await context.AuthenticateAsync()).Failure?.Message;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems
                .For(
                    StatusCodes.Status401Unauthorized,
                    "Authorization",
                    failure
                        ?? "credentials are required: an API key (X-Api-Key, or Authorization: Bearer) or a "
                            + "bearer token"
                )
                .ExecuteAsync(context);
            return;
        }
        if (result.Forbidden)
        {
            var refusal = result.AuthorizationFailure?.FailureReasons.OfType<Refusal>().FirstOrDefault();
            await Problems
                .For(
                    StatusCodes.Status403Forbidden,
                    refusal?.Field ?? "scope",
                    refusal?.Message ?? "this caller may not do this"
                )
                .ExecuteAsync(context);
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
