using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Points;

/// <summary>
/// Every refusal is <c>application/problem+json</c> with its own status and the offending field, and
/// changes nothing: the member's stream and balance are the same afterwards.
/// </summary>
public class BadInputTests(LoyaltyApp app)
{
    /// <summary>
    /// A member holding 100 points from purchase {tx} (line "a": 2 × 50), with redemption "R1" of 10 made.
    /// </summary>
    private sealed record Given(Guid Member, string Transaction, string Card);

    public sealed record Case(string Name, string Method, string Url, string Body, int Status, string Field)
    {
        public override string ToString() => Name;
    }

    private static string P(
        string transactionId = "{new}",
        string member = "\"memberId\":\"{member}\"",
        string source = "\"pos-1\"",
        string occurredAt = "\"2026-11-24T10:00:00Z\"",
        string currency = "\"EUR\"",
        string store = "\"store-12\"",
        string lines = "[{\"lineId\":\"1\",\"sku\":\"s\",\"quantity\":1,\"unitPrice\":10,\"discount\":0}]"
    ) =>
        $"{{\"source\":{source},\"transactionId\":\"{transactionId}\",{member},\"storeId\":{store},"
        + $"\"occurredAt\":{occurredAt},\"currency\":{currency},\"lines\":{lines}}}";

    private static string L(
        string quantity = "1",
        string unitPrice = "10",
        string discount = "0",
        string lineId = "\"1\"",
        string sku = "\"s\""
    ) =>
        $"[{{\"lineId\":{lineId},\"sku\":{sku},\"quantity\":{quantity},"
        + $"\"unitPrice\":{unitPrice},\"discount\":{discount}}}]";

    public static TheoryData<Case> Cases =>
        new(
            // Purchases: malformed JSON and shape (400)
            new Case("purchase: not JSON", "POST", "/purchases", "{\"source\": pos", 400, "source"),
            new Case("purchase: empty body", "POST", "/purchases", "", 400, "body"),
            new Case("purchase: null body", "POST", "/purchases", "null", 400, "body"),
            new Case("redeem: null body", "POST", "/members/{member}/redemptions", "null", 400, "body"),
            new Case(
                "purchase: quantity is text",
                "POST",
                "/purchases",
                P(lines: L(quantity: "\"two\"")),
                400,
                "lines[0].quantity"
            ),
            new Case(
                "purchase: occurredAt not an instant",
                "POST",
                "/purchases",
                P(occurredAt: "\"yesterday\""),
                400,
                "occurredAt"
            ),
            new Case(
                "purchase: source too long",
                "POST",
                "/purchases",
                P(source: "\"" + new string('s', 101) + "\""),
                400,
                "source"
            ),
            new Case("purchase: no transactionId", "POST", "/purchases", P(transactionId: ""), 400, "transactionId"),
            new Case(
                "purchase: NUL in transactionId",
                "POST",
                "/purchases",
                P(transactionId: "T\\u0000"),
                400,
                "transactionId"
            ),
            new Case("purchase: no member", "POST", "/purchases", P(member: "\"memberId\":null"), 400, "memberId"),
            new Case(
                "purchase: both member ids",
                "POST",
                "/purchases",
                P(member: "\"memberId\":\"{member}\",\"memberExternalId\":\"{card}\""),
                400,
                "memberExternalId"
            ),
            new Case("purchase: no store", "POST", "/purchases", P(store: "null"), 400, "storeId"),
            new Case("purchase: no occurredAt", "POST", "/purchases", P(occurredAt: "null"), 400, "occurredAt"),
            new Case(
                "purchase: occurredAt in the future",
                "POST",
                "/purchases",
                P(occurredAt: "\"2026-11-25T12:00:00Z\""),
                400,
                "occurredAt"
            ),
            new Case("purchase: lowercase currency", "POST", "/purchases", P(currency: "\"eur\""), 400, "currency"),
            new Case("purchase: no lines", "POST", "/purchases", P(lines: "[]"), 400, "lines"),
            new Case(
                "purchase: zero quantity",
                "POST",
                "/purchases",
                P(lines: L(quantity: "0")),
                400,
                "lines[0].quantity"
            ),
            new Case(
                "purchase: negative price",
                "POST",
                "/purchases",
                P(lines: L(unitPrice: "-1")),
                400,
                "lines[0].unitPrice"
            ),
            new Case(
                "purchase: negative discount",
                "POST",
                "/purchases",
                P(lines: L(discount: "-1")),
                400,
                "lines[0].discount"
            ),
            new Case(
                "purchase: discount above price",
                "POST",
                "/purchases",
                P(lines: L(discount: "11")),
                400,
                "lines[0].discount"
            ),
            new Case(
                "purchase: line without id",
                "POST",
                "/purchases",
                P(lines: L(lineId: "null")),
                400,
                "lines[0].lineId"
            ),
            new Case("purchase: line without sku", "POST", "/purchases", P(lines: L(sku: "\"\"")), 400, "lines[0].sku"),
            // Purchases: business rules and lookups
            new Case("purchase: other currency", "POST", "/purchases", P(currency: "\"USD\""), 422, "currency"),
            new Case(
                "purchase: unknown member",
                "POST",
                "/purchases",
                P(member: $"\"memberId\":\"{Guid.NewGuid()}\""),
                404,
                "memberId"
            ),
            new Case(
                "purchase: unknown card",
                "POST",
                "/purchases",
                P(member: "\"memberExternalId\":\"no-such-card\""),
                404,
                "memberExternalId"
            ),
            new Case(
                "purchase: known transaction, other body",
                "POST",
                "/purchases",
                P(transactionId: "{tx}"),
                409,
                "transactionId"
            ),
            // Returns
            new Case(
                "return: unknown purchase",
                "POST",
                "/purchases/pos-1/nope/returns",
                "{\"returnId\":\"r\",\"lines\":[{\"lineId\":\"a\",\"quantity\":1}]}",
                404,
                "transactionId"
            ),
            new Case(
                "return: no returnId",
                "POST",
                "/purchases/pos-1/{tx}/returns",
                "{\"lines\":[{\"lineId\":\"a\",\"quantity\":1}]}",
                400,
                "returnId"
            ),
            new Case(
                "return: no lines",
                "POST",
                "/purchases/pos-1/{tx}/returns",
                "{\"returnId\":\"r\",\"lines\":[]}",
                400,
                "lines"
            ),
            new Case(
                "return: negative quantity",
                "POST",
                "/purchases/pos-1/{tx}/returns",
                "{\"returnId\":\"r\",\"lines\":[{\"lineId\":\"a\",\"quantity\":-1}]}",
                400,
                "lines[0].quantity"
            ),
            new Case(
                "return: more than bought",
                "POST",
                "/purchases/pos-1/{tx}/returns",
                "{\"returnId\":\"r\",\"lines\":[{\"lineId\":\"a\",\"quantity\":3}]}",
                422,
                "lines[0].quantity"
            ),
            new Case(
                "return: unknown line",
                "POST",
                "/purchases/pos-1/{tx}/returns",
                "{\"returnId\":\"r\",\"lines\":[{\"lineId\":\"zz\",\"quantity\":1}]}",
                422,
                "lines[0].lineId"
            ),
            // Redemptions
            new Case(
                "redeem: more than available",
                "POST",
                "/members/{member}/redemptions",
                "{\"redemptionId\":\"R9\",\"points\":91,\"reward\":\"tv\"}",
                422,
                "points"
            ),
            new Case(
                "redeem: zero points",
                "POST",
                "/members/{member}/redemptions",
                "{\"redemptionId\":\"R9\",\"points\":0,\"reward\":\"tv\"}",
                400,
                "points"
            ),
            new Case(
                "redeem: fractional points",
                "POST",
                "/members/{member}/redemptions",
                "{\"redemptionId\":\"R9\",\"points\":1.5,\"reward\":\"tv\"}",
                400,
                "points"
            ),
            new Case(
                "redeem: no reward",
                "POST",
                "/members/{member}/redemptions",
                "{\"redemptionId\":\"R9\",\"points\":1}",
                400,
                "reward"
            ),
            new Case(
                "redeem: no redemptionId",
                "POST",
                "/members/{member}/redemptions",
                "{\"points\":1,\"reward\":\"tv\"}",
                400,
                "redemptionId"
            ),
            new Case(
                "redeem: reused id",
                "POST",
                "/members/{member}/redemptions",
                "{\"redemptionId\":\"R1\",\"points\":11,\"reward\":\"tv\"}",
                409,
                "redemptionId"
            ),
            new Case(
                "redeem: unknown member",
                "POST",
                $"/members/{Guid.NewGuid()}/redemptions",
                "{\"redemptionId\":\"R9\",\"points\":1,\"reward\":\"tv\"}",
                404,
                "memberId"
            ),
            new Case(
                "redeem: member id not a guid",
                "POST",
                "/members/not-a-guid/redemptions",
                "{\"redemptionId\":\"R9\",\"points\":1,\"reward\":\"tv\"}",
                404,
                "url"
            ),
            new Case(
                "cancel: unknown redemption",
                "POST",
                "/members/{member}/redemptions/R404/cancellation",
                "{}",
                404,
                "redemptionId"
            ),
            // Adjustments
            new Case(
                "adjust: below zero",
                "POST",
                "/members/{member}/adjustments",
                "{\"adjustmentId\":\"A9\",\"points\":-91,\"reason\":\"fix\"}",
                422,
                "points"
            ),
            new Case(
                "adjust: zero",
                "POST",
                "/members/{member}/adjustments",
                "{\"adjustmentId\":\"A9\",\"points\":0,\"reason\":\"fix\"}",
                400,
                "points"
            ),
            new Case(
                "adjust: no reason",
                "POST",
                "/members/{member}/adjustments",
                "{\"adjustmentId\":\"A9\",\"points\":5}",
                400,
                "reason"
            ),
            new Case(
                "adjust: no id",
                "POST",
                "/members/{member}/adjustments",
                "{\"points\":5,\"reason\":\"fix\"}",
                400,
                "adjustmentId"
            ),
            // Members
            new Case("enroll: no externalId", "POST", "/members", "{\"name\":\"Ada\"}", 400, "externalId"),
            new Case("enroll: no name", "POST", "/members", "{\"externalId\":\"{new}\"}", 400, "name"),
            new Case(
                "enroll: bad email",
                "POST",
                "/members",
                "{\"externalId\":\"{new}\",\"name\":\"Ada\",\"email\":\"ada\"}",
                400,
                "email"
            ),
            new Case(
                "enroll: unknown zone",
                "POST",
                "/members",
                "{\"externalId\":\"{new}\",\"name\":\"Ada\",\"timeZone\":\"Mars/Base\"}",
                400,
                "timeZone"
            ),
            new Case(
                "enroll: birthday not a date",
                "POST",
                "/members",
                "{\"externalId\":\"{new}\",\"name\":\"Ada\",\"birthday\":\"01/05/1990\"}",
                400,
                "birthday"
            ),
            new Case(
                "enroll: taken externalId",
                "POST",
                "/members",
                "{\"externalId\":\"{card}\",\"name\":\"Someone Else\"}",
                409,
                "externalId"
            ),
            new Case(
                "profile: stale version",
                "PUT",
                "/members/{member}/profile",
                "{\"expectedVersion\":7,\"name\":\"Ada B\"}",
                412,
                "expectedVersion"
            ),
            new Case(
                "profile: no version",
                "PUT",
                "/members/{member}/profile",
                "{\"name\":\"Ada B\"}",
                400,
                "expectedVersion"
            ),
            new Case("ledger: bad limit", "GET", "/members/{member}/ledger?limit=0", "", 400, "limit"),
            new Case("ledger: limit not a number", "GET", "/members/{member}/ledger?limit=ten", "", 400, "limit"),
            new Case("ledger: bad cursor", "GET", "/members/{member}/ledger?cursor=abc", "", 400, "cursor"),
            // Program settings
            new Case(
                "settings: stale rule version",
                "PUT",
                "/program/settings",
                "{\"currency\":\"EUR\",\"timeZone\":\"Europe/Amsterdam\","
                    + "\"earnRate\":{\"points\":5,\"perAmount\":1},\"expectedRuleVersion\":0}",
                412,
                "expectedRuleVersion"
            ),
            new Case(
                "settings: no earn rate",
                "PUT",
                "/program/settings",
                "{\"currency\":\"EUR\",\"timeZone\":\"Europe/Amsterdam\"}",
                400,
                "earnRate"
            )
        );

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task a_bad_request_is_refused_with_its_status_and_field_and_changes_nothing(Case c)
    {
        var host = app.Host;
        var given = await WithMemberAndPurchase(host);
        var before = await Snapshot(host, given);

        string Fill(string s) =>
            s.Replace("{member}", given.Member.ToString())
                .Replace("{tx}", given.Transaction)
                .Replace("{card}", given.Card)
                .Replace("{new}", NewId("new"));
        var answer = await host.Send(new HttpMethod(c.Method), Fill(c.Url), c.Method == "GET" ? null : Fill(c.Body));

        Assert.Equal(c.Status, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.True(c.Field == answer.Field, answer.ToString());
        Assert.False(string.IsNullOrWhiteSpace(answer.Reason));
        Assert.Equal(before, await Snapshot(host, given));
    }

    private static async Task<Given> WithMemberAndPurchase(Alba.IAlbaHost host)
    {
        var card = NewId("card");
        var member = await host.WithEnrolledMember(card);
        var transaction = NewId("T");
        Assert.Equal(201, (await host.Post("/purchases", Purchase(member, transaction, Line("a", 2, 50)))).Status);
        Assert.Equal(
            201,
            (
                await host.Post(
                    $"/members/{member}/redemptions",
                    new
                    {
                        redemptionId = "R1",
                        points = 10,
                        reward = "mug",
                    }
                )
            ).Status
        );
        return new Given(member, transaction, card);
    }

    private static async Task<string> Snapshot(Alba.IAlbaHost host, Given given) =>
        (await host.Get($"/members/{given.Member}/balance")).Body!.ToJsonString()
        + (await host.Get($"/members/{given.Member}/ledger")).Body!.ToJsonString()
        + (await host.Get($"/members/{given.Member}")).Body!.ToJsonString()
        + (await host.Get("/program/settings")).Body!.ToJsonString();
}
