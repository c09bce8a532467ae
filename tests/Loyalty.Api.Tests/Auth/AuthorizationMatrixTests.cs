using Loyalty.Api.Tests.Infrastructure;
using Loyalty.Domain.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Auth;

/// <summary>
/// Every endpoint the application maps × every kind of caller. The endpoint list comes from the application
/// itself: an endpoint that declares no policy, or that this table has no request for, fails the test.
/// Each request is one that an allowed caller gets refused for later (400, 404, 422), so nothing changes.
/// </summary>
public class AuthorizationMatrixTests(LoyaltyApp app)
{
    private const string Till = "matrix-till";

    private sealed record Given(Guid Member, string Card, string Transaction, Guid SomeKey);

    /// <summary>For each endpoint ("METHOD pattern"), the request to send.</summary>
    private static readonly Dictionary<string, Func<Given, (string Url, string? Body)>> Requests = new()
    {
        ["POST /members"] = _ => ("/members", "{}"),
        ["GET /members/{id}"] = g => ($"/members/{g.Member}", null),
        ["GET /members"] = g => ($"/members?externalId={g.Card}", null),
        ["PUT /members/{id}/profile"] = g => ($"/members/{g.Member}/profile", "{}"),
        ["POST /members/{id}/closure"] = g => ($"/members/{g.Member}/closure", "{}"),
        ["POST /purchases"] = g =>
            (
                "/purchases",
                $$"""{"transactionId":"{{g.Transaction}}-x","memberId":"{{g.Member}}","storeId":"store-12","""
                    + "\"occurredAt\":\"2026-11-24T10:00:00Z\",\"currency\":\"USD\","
                    + "\"lines\":[{\"lineId\":\"1\",\"sku\":\"s\",\"quantity\":1,\"unitPrice\":1}]}"
            ),
        ["POST /purchases/{source}/{transactionId}/returns"] = g =>
            (
                $"/purchases/{Till}/{g.Transaction}/returns",
                """{"returnId":"x","lines":[{"lineId":"no-such-line","quantity":1}]}"""
            ),
        ["POST /members/{id}/redemptions"] = g =>
            ($"/members/{g.Member}/redemptions", """{"redemptionId":"x","points":999999,"reward":"tv"}"""),
        ["POST /members/{id}/redemptions/{redemptionId}/cancellation"] = g =>
            ($"/members/{g.Member}/redemptions/none/cancellation", "{}"),
        ["POST /members/{id}/adjustments"] = g =>
            ($"/members/{g.Member}/adjustments", """{"adjustmentId":"x","points":-500,"reason":"test"}"""),
        ["GET /members/{id}/balance"] = g => ($"/members/{g.Member}/balance", null),
        ["GET /members/{id}/ledger"] = g => ($"/members/{g.Member}/ledger", null),
        ["GET /members/{id}/lots"] = g => ($"/members/{g.Member}/lots", null),
        ["GET /members/{id}/pay-with-points"] = g =>
            ($"/members/{g.Member}/pay-with-points?amount=1.00&currency=USD", null),
        ["POST /members/{id}/holds"] = g => ($"/members/{g.Member}/holds", """{"holdId":"x","points":999999}"""),
        ["POST /members/{id}/holds/{holdId}/capture"] = g => ($"/members/{g.Member}/holds/none/capture", "{}"),
        ["POST /members/{id}/holds/{holdId}/release"] = g => ($"/members/{g.Member}/holds/none/release", null),
        ["GET /members/{id}/holds/{holdId}"] = g => ($"/members/{g.Member}/holds/none", null),
        ["GET /members/{id}/tier"] = g => ($"/members/{g.Member}/tier", null),
        ["POST /members/{id}/tier/assignments"] = g => ($"/members/{g.Member}/tier/assignments", "{}"),
        ["GET /program/tiers"] = _ => ("/program/tiers", null),
        ["PUT /program/tiers"] = _ => ("/program/tiers", "{}"),
        ["POST /program/tiers/preview"] = _ => ("/program/tiers/preview", "{}"),
        ["GET /program/tiers/report"] = _ => ("/program/tiers/report", null),
        ["GET /program/membership-plans"] = _ => ("/program/membership-plans", null),
        ["PUT /program/membership-plans"] = _ => ("/program/membership-plans", "{}"),
        ["GET /program/referrals/rules"] = _ => ("/program/referrals/rules", null),
        ["PUT /program/referrals"] = _ => ("/program/referrals", "{}"),
        ["GET /program/referrals"] = _ => ("/program/referrals", null),
        ["GET /program/referrals/report"] = _ => ("/program/referrals/report", null),
        ["GET /finance/roll-forward"] = _ => ("/finance/roll-forward?from=2026-11-01&to=2026-11-02", null),
        ["GET /finance/reconciliation"] = _ => ("/finance/reconciliation?asOf=2026-11-01", null),
        ["GET /finance/liability"] = _ => ("/finance/liability?asOf=2026-11-01", null),
        ["GET /finance/ledger-export"] = _ => ("/finance/ledger-export?from=2026-11-01&to=2026-11-02", null),
        ["GET /finance/ledger-export/control"] = _ =>
            ("/finance/ledger-export/control?from=2026-11-01&to=2026-11-02", null),
        ["POST /program/referrals/{referralId}/review"] = g => ($"/program/referrals/{g.Member}/review", "{}"),
        ["GET /members/{id}/referral"] = g => ($"/members/{g.Member}/referral", null),
        ["GET /members/{id}/insight"] = g => ($"/members/{g.Member}/insight", null),
        ["GET /insight/members"] = _ => ("/insight/members", null),
        ["GET /insight/segments"] = _ => ("/insight/segments", null),
        ["GET /program/kpis"] = _ => ("/program/kpis?from=2026-11-01&to=2026-11-30", null),
        ["POST /webhooks"] = _ => ("/webhooks", "{}"),
        ["GET /webhooks"] = _ => ("/webhooks", null),
        ["GET /webhooks/{id}"] = g => ($"/webhooks/{g.Member}", null),
        ["POST /webhooks/{id}/pause"] = g => ($"/webhooks/{g.Member}/pause", "{}"),
        ["POST /webhooks/{id}/resume"] = g => ($"/webhooks/{g.Member}/resume", "{}"),
        ["DELETE /webhooks/{id}"] = g => ($"/webhooks/{g.Member}", null),
        ["GET /webhooks/{id}/deliveries"] = g => ($"/webhooks/{g.Member}/deliveries", null),
        ["POST /webhooks/{id}/deliveries/{deliveryId}/replay"] = g =>
            ($"/webhooks/{g.Member}/deliveries/x/replay", "{}"),
        ["PUT /members/{id}/referral/code"] = g => ($"/members/{g.Member}/referral/code", "{}"),
        ["POST /members/{id}/referrer"] = g => ($"/members/{g.Member}/referrer", "{}"),
        ["GET /members/{id}/membership"] = g => ($"/members/{g.Member}/membership", null),
        ["POST /members/{id}/membership/purchased"] = g => ($"/members/{g.Member}/membership/purchased", "{}"),
        ["POST /members/{id}/membership/renewed"] = g => ($"/members/{g.Member}/membership/renewed", "{}"),
        ["POST /members/{id}/membership/payment-failed"] = g =>
            ($"/members/{g.Member}/membership/payment-failed", "{}"),
        ["POST /members/{id}/membership/cancelled"] = g => ($"/members/{g.Member}/membership/cancelled", "{}"),
        ["GET /program/settings"] = _ => ("/program/settings", null),
        ["PUT /program/settings"] = _ => ("/program/settings", "{}"),
        ["POST /api-keys"] = _ => ("/api-keys", "{}"),
        ["GET /api-keys"] = _ => ("/api-keys", null),
        ["GET /api-keys/{id}"] = g => ($"/api-keys/{g.SomeKey}", null),
        ["POST /api-keys/{id}/revocation"] = g => ($"/api-keys/{g.SomeKey}/revocation", "{}"),
        ["PUT /staff/{subject}/roles/{role}"] = _ => ("/staff/someone/roles/no-such-role", null),
        ["DELETE /staff/{subject}/roles/{role}"] = _ => ("/staff/someone/roles/no-such-role", null),
        ["GET /staff"] = _ => ("/staff", null),
        ["GET /audit"] = _ => ("/audit", null),
        ["GET /metrics"] = _ => ("/metrics", null),
        ["PUT /program/campaigns/{code}"] = _ => ("/program/campaigns/matrix", "{}"),
        ["GET /program/campaigns/{code}"] = _ => ("/program/campaigns/no-such-campaign", null),
        ["GET /program/campaigns"] = _ => ("/program/campaigns", null),
        ["POST /program/campaigns/{code}/simulate"] = _ => ("/program/campaigns/matrix/simulate", "{}"),
        ["PUT /program/automations/{code}"] = _ => ("/program/automations/matrix", "{}"),
        ["GET /program/automations/{code}"] = _ => ("/program/automations/no-such-automation", null),
        ["GET /program/automations"] = _ => ("/program/automations", null),
        ["GET /program/automations/{code}/dry-run"] = _ => ("/program/automations/no-such-automation/dry-run", null),
        ["POST /members/{id}/engagements"] = g => ($"/members/{g.Member}/engagements", "{}"),
        ["POST /purchases/quote"] = g =>
            (
                "/purchases/quote",
                $$"""{"transactionId":"{{g.Transaction}}-q","memberId":"{{g.Member}}","storeId":"store-12","""
                    + "\"occurredAt\":\"2026-11-24T10:00:00Z\",\"currency\":\"USD\","
                    + "\"lines\":[{\"lineId\":\"1\",\"sku\":\"s\",\"quantity\":1,\"unitPrice\":1}]}"
            ),
    };

    /// <summary>Who each policy lets through (before what the request itself asks, like its store).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [Permissions.MembersRead] = ["key members:read", "own member", "staff finance", "staff support", "staff admin"],
        [Permissions.MembersWrite] = ["key members:write", "staff support", "staff admin"],
        [Permissions.PointsEarn] = ["key points:earn", "key points:earn for another store", "staff admin"],
        // members only where the program allows: it does not here
        [Permissions.PointsRedeem] = ["key points:redeem", "staff admin"],
        [Permissions.PointsAdjust] = ["key points:adjust", "staff support", "staff admin"],
        // members only where the program allows: it does not here
        [Permissions.EngagementWrite] = ["key engagement:write", "staff admin"],
        [Permissions.MembershipsWrite] = ["key memberships:write", "staff admin"],
        [Permissions.ProgramRead] =
        [
            "key program:read",
            "own member",
            "other member",
            "staff program-manager",
            "staff finance",
            "staff support",
            "staff admin",
        ],
        [Permissions.ProgramWrite] = ["staff program-manager", "staff admin"],
        [Permissions.AuditRead] = ["staff finance", "staff admin"],
        [Permissions.AccessManage] = ["staff admin"],
        [Permissions.MetricsRead] = ["key metrics:read", "staff admin"],
        [Permissions.FinanceRead] = ["key finance:read", "staff finance", "staff admin"],
        [Permissions.ReferralsRead] = ["key referrals:read", "staff program-manager", "staff finance", "staff admin"],
        [Permissions.WebhooksManage] = ["key webhooks:manage", "staff admin"],
        [Permissions.InsightRead] =
        [
            "key insight:read",
            "staff program-manager",
            "staff finance",
            "staff support",
            "staff admin",
        ],
    };

    /// <summary>Refused for what the request asks, though the policy lets the caller in.</summary>
    private static readonly HashSet<(string Endpoint, string Caller)> RefusedByRequest =
    [
        ("POST /purchases", "key points:earn for another store"),
        ("POST /purchases/{source}/{transactionId}/returns", "key points:earn for another store"),
        ("POST /purchases/quote", "key points:earn for another store"),
    ];

    [Fact]
    public async Task every_endpoint_answers_only_the_callers_it_should()
    {
        var host = app.Host;
        var given = await Setup(host);
        var callers = await Callers(host, given);
        var failures = new List<string>();
        var checkedEndpoints = new HashSet<string>();

        foreach (var (endpoint, policy) in Endpoints(host))
        {
            if (policy is null)
            {
                failures.Add($"{endpoint} declares no policy: add [Authorize(Policy = ...)] or [AllowAnonymous]");
                continue;
            }
            if (policy == "anonymous")
                continue;
            if (!Requests.TryGetValue(endpoint, out var request))
            {
                failures.Add($"{endpoint} ({policy}) has no request in this matrix: add one");
                continue;
            }
            checkedEndpoints.Add(endpoint);
            var (url, body) = request(given);
            var method = new HttpMethod(endpoint.Split(' ')[0]);
            foreach (var (caller, credentials) in callers)
            {
                var allowed = Allowed[policy].Contains(caller) && !RefusedByRequest.Contains((endpoint, caller));
                var answer = await host.Send(method, url, body, credentials);
                var expected =
                    allowed ? "not 401/403"
                    : caller == "anonymous" ? "401"
                    : "403";
                var ok = allowed
                    ? answer.Status is not (401 or 403)
                    : answer.Status == (caller == "anonymous" ? 401 : 403);
                if (!ok)
                    failures.Add($"{endpoint} as {caller}: expected {expected}, got {answer}");
                else if (!allowed && (answer.ContentType != "application/problem+json" || answer.Field is null))
                    failures.Add(
                        $"{endpoint} as {caller}: the refusal is not a problem naming what was missing: {answer}"
                    );
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(Requests.Keys.Order(), checkedEndpoints.Order()); // no request here for an endpoint that is gone
        // still there, unchanged
        Assert.Equal(given.Member.ToString(), (await host.Get($"/members/{given.Member}")).Get<string>("id"));
        Assert.Equal(100, await host.Available(given.Member));
    }

    private static IEnumerable<(string Endpoint, string? Policy)> Endpoints(Alba.IAlbaHost host) =>
        host
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e =>
                (
                    e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]
                ).Select(method =>
                {
                    var pattern = "/" + e.RoutePattern.RawText!.TrimStart('/');
                    var policy = e.Metadata.GetMetadata<IAllowAnonymous>() is not null
                        ? "anonymous"
                        : e
                            .Metadata.GetOrderedMetadata<IAuthorizeData>()
                            .Select(a => a.Policy)
                            .FirstOrDefault(p => p is not null);
                    return ($"{method} {pattern}", policy);
                })
            )
            .Distinct();

    private static async Task<Given> Setup(Alba.IAlbaHost host)
    {
        var card = NewId("card");
        var member = await host.WithEnrolledMember(card);
        var transaction = NewId("T");
        var purchase = await host.Post(
            "/purchases",
            new
            {
                source = Till,
                transactionId = transaction,
                memberId = member,
                storeId = "store-12",
                occurredAt = Earlier,
                currency = "EUR",
                lines = new[] { Line("1", 1, 100) },
            }
        );
        Assert.Equal(201, purchase.Status);
        var someKey = (await host.Post("/api-keys", new { name = "matrix-victim", scopes = new[] { "members:read" } }))[
            "details"
        ]["id"]!.GetValue<Guid>();
        return new Given(member, card, transaction, someKey);
    }

    private static async Task<List<(string Caller, (string, string)[] Credentials)>> Callers(
        Alba.IAlbaHost host,
        Given given
    )
    {
        async Task<(string, string)[]> Key(string name, string[] scopes, string[]? stores = null) =>
            [
                Http.WithKey(
                    (
                        await host.Post(
                            "/api-keys",
                            new
                            {
                                name,
                                scopes,
                                source = Till,
                                stores = stores ?? [],
                            }
                        )
                    ).Get<string>("key")
                ),
            ];

        var callers = new List<(string, (string, string)[])> { ("anonymous", [Http.Anonymous]) };
        foreach (var scope in Permissions.Scopes)
            callers.Add(($"key {scope}", await Key($"matrix {scope}", [scope])));
        callers.Add(
            (
                "key points:earn for another store",
                await Key("matrix other store", [Permissions.PointsEarn], ["store-99"])
            )
        );
        callers.Add(("own member", [Http.WithToken(Tokens.ForMember(given.Card))]));
        callers.Add(("other member", [Http.WithToken(Tokens.ForMember(NewId("card")))]));
        foreach (var role in Permissions.Roles.Keys)
            callers.Add(($"staff {role}", [Http.WithToken(Tokens.ForStaff("matrix-" + role, role))]));
        return callers;
    }
}
