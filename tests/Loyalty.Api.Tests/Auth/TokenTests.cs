using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Auth;

public class TokenTests(LoyaltyApp app)
{
    private readonly Alba.IAlbaHost _host = app.Host;

    public static TheoryData<string, string> BadTokens =>
        new()
        {
            { "expired", "the token has expired" },
            { "wrong audience", "the token is for another audience" },
            { "wrong signature", "the token's signature is not valid" },
            { "not a token", "the token is not valid" },
        };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task a_bad_token_is_401_saying_why(string kind, string reason)
    {
        var card = NewId("card");
        var member = await _host.WithEnrolledMember(card);
        var token = kind switch
        {
            "expired" => Tokens.ForMember(card, lifetime: TimeSpan.FromMinutes(-5)),
            "wrong audience" => Tokens.ForMember(card, audience: "someone-else"),
            "wrong signature" => Tokens.ForMember(card, key: "another-signing-key-of-at-least-32-bytes!!"),
            _ => "aaa.bbb.ccc",
        };

        var answer = await _host.Get($"/members/{member}/balance", Http.WithToken(token));

        Assert.Equal(401, answer.Status);
        Assert.Equal("Authorization", answer.Field);
        Assert.Equal(reason, answer.Reason);
    }

    [Fact]
    public async Task a_member_token_reads_its_own_member_and_no_other()
    {
        var card = NewId("card");
        var member = await _host.WithMemberHolding(40);
        await _host.Put($"/members/{member}/profile", new { expectedVersion = 1, name = "Ada" }); // keeps the card
        var own = await _host.WithEnrolledMember(card);
        var token = Tokens.ForMember(card);

        Assert.Equal(200, (await _host.Get($"/members/{own}", Http.WithToken(token))).Status);
        Assert.Equal(200, (await _host.Get($"/members/{own}/ledger", Http.WithToken(token))).Status);
        Assert.Equal(200, (await _host.Get($"/members?externalId={card}", Http.WithToken(token))).Status);
        var other = await _host.Get($"/members/{member}/balance", Http.WithToken(token));
        Assert.Equal(403, other.Status);
        Assert.Equal("memberId", other.Field);
    }

    [Fact]
    public async Task a_member_redeems_from_the_app_only_where_the_program_allows_it()
    {
        await using var isolated = await app.StartHostOnFreshDatabaseAsync();
        var card = NewId("card");
        var member = await isolated.WithEnrolledMember(card);
        await isolated.Post("/purchases", Purchase(member, NewId("T"), Line("1", 1, 50)));
        var redeem = new
        {
            redemptionId = "APP-1",
            points = 20,
            reward = "coffee",
            channel = "app",
        };

        var before = await isolated.Post(
            $"/members/{member}/redemptions",
            redeem,
            Http.WithToken(Tokens.ForMember(card))
        );
        await isolated.Put(
            "/program/settings",
            new
            {
                currency = "EUR",
                timeZone = "Europe/Amsterdam",
                earnRate = new { points = 1, perAmount = 1 },
                membersMayRedeem = true,
            }
        );
        var after = await isolated.Post(
            $"/members/{member}/redemptions",
            redeem,
            Http.WithToken(Tokens.ForMember(card))
        );

        Assert.Equal(403, before.Status);
        Assert.Equal(201, after.Status);
        var entry = (await isolated.Get($"/members/{member}/ledger"))["entries"][0]!;
        Assert.Equal("member", entry["by"]!["kind"]!.GetValue<string>());
        Assert.Equal(card, entry["by"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_staff_token_acts_as_staff_and_is_recorded_as_such()
    {
        var member = await _host.WithMemberHolding(10);
        var support = Http.WithToken(Tokens.ForStaff("sam@helpdesk", "support"));

        var adjusted = await _host.Post(
            $"/members/{member}/adjustments",
            new
            {
                adjustmentId = "S1",
                points = 25,
                reason = "late delivery",
            },
            support
        );
        var tooMuch = await _host.Post(
            $"/members/{member}/adjustments",
            new
            {
                adjustmentId = "S2",
                points = 1001,
                reason = "generous",
            },
            support
        );

        Assert.Equal(201, adjusted.Status);
        Assert.Equal(403, tooMuch.Status);
        Assert.Equal("points", tooMuch.Field);
        var entry = (await _host.Get($"/members/{member}/ledger"))["entries"][0]!;
        Assert.Equal("staff", entry["by"]!["kind"]!.GetValue<string>());
        Assert.Equal("sam@helpdesk", entry["by"]!["id"]!.GetValue<string>());
        Assert.Equal("sam@helpdesk (staff)", entry["by"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_system_key_is_recorded_as_the_system_it_belongs_to()
    {
        var member = await _host.WithEnrolledMember();
        var issued = await _host.Post(
            "/api-keys",
            new
            {
                name = "Shop",
                scopes = new[] { "points:earn" },
                source = "webshop",
            }
        );
        await _host.Post(
            "/purchases",
            new
            {
                transactionId = NewId("T"),
                memberId = member,
                storeId = "web",
                occurredAt = Earlier,
                currency = "EUR",
                lines = new[] { Line("1", 1, 10) },
            },
            Http.WithKey(issued.Get<string>("key"))
        );

        var entry = (await _host.Get($"/members/{member}/ledger"))["entries"][0]!;
        Assert.Equal("system", entry["by"]!["kind"]!.GetValue<string>());
        Assert.Equal(issued["details"]["id"]!.GetValue<string>(), entry["by"]!["id"]!.GetValue<string>());
        Assert.Equal("Shop", entry["by"]!["name"]!.GetValue<string>());
        Assert.Equal("webshop", entry["reference"]!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_role_granted_by_an_admin_makes_a_plain_token_a_staff_one_until_revoked()
    {
        var subject = NewId("fiona");
        var token = Http.WithToken(Tokens.ForMember(subject)); // no role claim: by itself, a member token

        var asMember = await _host.Get("/audit", token);
        var granted = await _host.Put($"/staff/{subject}/roles/finance", null);
        var asFinance = await _host.Get("/audit", token);
        await _host.Send(HttpMethod.Delete, $"/staff/{subject}/roles/finance", null);
        var afterRevoke = await _host.Get("/audit", token);

        Assert.Equal(403, asMember.Status);
        Assert.Equal(200, granted.Status);
        Assert.Equal(["finance"], granted["roles"].AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(200, asFinance.Status);
        Assert.Equal(403, afterRevoke.Status);
    }
}
