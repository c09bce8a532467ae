using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Projections.Access;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Loyalty.Api.Auth;

public static class AuthWiring
{
    private const string Scheme = "Loyalty";

    public static void AddLoyaltyAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<AuthSettings>(builder.Configuration.GetSection("Loyalty:Auth"));

        services
            .AddAuthentication(Scheme)
            .AddPolicyScheme(
                Scheme,
                "API key or bearer token",
                o =>
                    o.ForwardDefaultSelector = context =>
                        IsJwt(context.Request)
                            ? JwtBearerDefaults.AuthenticationScheme
                            : ApiKeyAuthentication.SchemeName
            )
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddJwtBearer();
        services
            .AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthSettings>>((options, auth) => ConfigureJwt(options, auth.Value.Jwt));

        services.AddAuthorization(options =>
        {
            foreach (var permission in Permissions.Roles[Permissions.Admin])
                options.AddPolicy(
                    permission,
                    policy => policy.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission))
                );
            // An endpoint that declares no policy is closed to everyone.
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAssertion(_ => false).Build();
        });
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuthProblems>();
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(RateLimitPartitionOf);
            options.OnRejected = async (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
                await Problems
                    .For(
                        StatusCodes.Status429TooManyRequests,
                        "Authorization",
                        $"too many requests from this caller; retry after {seconds} s"
                    )
                    .ExecuteAsync(context.HttpContext);
            };
        });
        services.AddSingleton<FirstKeyNotice>();
        services.AddSingleton<ApiKeyCache>();
        services.AddHostedService<BootstrapAdminKey>();
    }

    public static void UseLoyaltyAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
    }

    /// <summary>A JWT has three dot-separated parts; our API keys have none.</summary>
    private static bool IsJwt(HttpRequest request) =>
        string.IsNullOrEmpty(request.Headers["X-Api-Key"])
        && ApiKeyAuthentication.Presented(request) is { } token
        && token.Count(c => c == '.') == 2;

    private static RateLimitPartition<string> RateLimitPartitionOf(HttpContext http)
    {
        var limits = http.RequestServices.GetRequiredService<IOptions<AuthSettings>>().Value.RateLimit;
        var caller = Caller.Of(http);
        var (rate, burst) = caller.IsMember
            ? (limits.MemberPermitsPerSecond, limits.MemberBurst)
            : (limits.ClientPermitsPerSecond, limits.ClientBurst);
        var partition =
            http.User.Identity?.IsAuthenticated == true
                ? $"{caller.Kind}:{caller.Id}"
                : $"address:{http.Connection.RemoteIpAddress}";
        return RateLimitPartition.GetTokenBucketLimiter(
            partition,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = rate,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }
        );
    }

    private static void ConfigureJwt(JwtBearerOptions options, JwtSettings jwt)
    {
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            IssuerSigningKey = SigningKeyOf(jwt),
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = jwt.NameClaim,
            RoleClaimType = jwt.RoleClaim,
        };
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context => ActAsStaffOrMember(context, jwt),
            OnAuthenticationFailed = context =>
            {
                // Say why in plain words; the library's own message is not for callers.
                context.Fail(
                    context.Exception switch
                    {
                        _ when !jwt.Configured => "bearer tokens are not configured on this service",
                        SecurityTokenExpiredException => "the token has expired",
                        SecurityTokenInvalidAudienceException => "the token is for another audience",
                        SecurityTokenInvalidIssuerException => "the token is from another issuer",
                        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                            "the token's signature is not valid",
                        _ => "the token is not valid",
                    }
                );
                return Task.CompletedTask;
            },
        };
    }

    private static SecurityKey? SigningKeyOf(JwtSettings jwt)
    {
        if (!string.IsNullOrWhiteSpace(jwt.PublicKeyPem))
        {
            if (TryEc(jwt.PublicKeyPem) is { } ec)
                return ec;
            var rsa = RSA.Create();
            rsa.ImportFromPem(jwt.PublicKeyPem);
            return new RsaSecurityKey(rsa);
        }
        if (string.IsNullOrWhiteSpace(jwt.SigningKey))
            return null;
        var bytes = jwt.SigningKey.StartsWith("base64:")
            ? Convert.FromBase64String(jwt.SigningKey[7..])
            : Encoding.UTF8.GetBytes(jwt.SigningKey);
        return new SymmetricSecurityKey(bytes);
    }

    private static SecurityKey? TryEc(string pem)
    {
        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// Staff when the token's roles or the grants of its subject name a staff role; otherwise the member it names.
    /// </summary>
    private static async Task ActAsStaffOrMember(TokenValidatedContext context, JwtSettings jwt)
    {
        var token = context.Principal!;
        var subject = token.FindFirstValue("sub");
        await using var session = context
            .HttpContext.RequestServices.GetRequiredService<IDocumentStore>()
            .QuerySession();
        var granted = subject is null
            ? null
            : await session.LoadAsync<StaffDirectory>(StaffRoles.StreamId, context.HttpContext.RequestAborted);
        var roles = token
            .FindAll(jwt.RoleClaim)
            .Select(c => c.Value)
            .Where(Permissions.Roles.ContainsKey)
            .Union(granted?.RolesOf(subject!) ?? [])
            .ToArray();
        var name = token.FindFirstValue(jwt.NameClaim);

        if (roles.Length > 0 && subject is not null)
        {
            context.Principal = new ClaimsPrincipal(
                Caller.Identity(Scheme, Caller.Staff, subject, name ?? subject, Permissions.Of([], roles), roles)
            );
            return;
        }
        var member = token.FindFirstValue(jwt.MemberClaim);
        if (string.IsNullOrWhiteSpace(member))
        {
            context.Fail($"the token names no member (claim '{jwt.MemberClaim}') and no staff role");
            return;
        }
        context.Principal = new ClaimsPrincipal(
            Caller.Identity(Scheme, Caller.Member, member, member, Permissions.Member)
        );
    }
}
