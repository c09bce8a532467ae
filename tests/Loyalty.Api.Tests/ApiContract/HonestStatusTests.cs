using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.ApiContract;

/// <summary>
/// A mistake in the request line gets the status that names it, as problem+json, whoever calls: deny-by-default
/// stays for the API's own routes (the authorization matrix), not for routes that do not exist.
/// </summary>
public class HonestStatusTests(LoyaltyApp app)
{
    public static TheoryData<string> Callers => new("anonymous", "admin");

    private static (string, string)[] As(string caller) => caller == "anonymous" ? [Http.Anonymous] : [];

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task an_unknown_route_is_404(string caller)
    {
        var answer = await app.Host.Get("/no/such/route", As(caller));

        Assert.Equal(404, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("url", answer.Field);
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task a_wrong_method_is_405_naming_the_allowed_ones(string caller)
    {
        var answer = await app.Host.Send(HttpMethod.Delete, "/purchases", null, As(caller));

        Assert.Equal(405, answer.Status);
        Assert.Equal("POST", answer.Header("Allow"));
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("method", answer.Field);
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task a_body_that_is_not_json_is_415_and_changes_nothing(string caller)
    {
        var member = await app.Host.WithMemberHolding(50);
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text("""{"redemptionId":"R-text","points":5,"reward":"mug"}""")
                .ToUrl($"/members/{member}/redemptions");
            if (caller == "admin")
                s.WithRequestHeader("X-Api-Key", LoyaltyApp.AdminKey);
            s.StatusCodeShouldBe(415);
        });

        Assert.Equal("application/problem+json", result.Context.Response.ContentType);
        Assert.Contains("\"field\":\"Content-Type\"", await result.ReadAsTextAsync());
        Assert.Equal(50, await app.Host.Available(member));
    }

    [Fact]
    public async Task a_member_id_that_is_nil_is_not_found_in_the_route_and_in_the_body()
    {
        var nil = Guid.Empty;
        var redeem = new
        {
            redemptionId = "R",
            points = 1,
            reward = "mug",
        };
        var redemption = await app.Host.Post($"/members/{nil}/redemptions", redeem);
        var purchase = await app.Host.Post("/purchases", Purchase(nil, NewId("T"), Line("1", 1, 10)));

        Assert.Equal((404, "memberId"), (redemption.Status, redemption.Field));
        Assert.Equal((404, "memberId"), (purchase.Status, purchase.Field));
    }

    [Fact]
    public async Task a_problem_names_no_internal_type()
    {
        var answer = await app.Host.Post("/purchases", """{"lines":[{"lineId":"1","quantity":"two"}]}""");

        Assert.Equal((400, "lines[0].quantity"), (answer.Status, answer.Field));
        Assert.Equal("must be a number", answer.Reason);
        Assert.DoesNotContain("Loyalty.", answer.Body!.ToJsonString());
        Assert.DoesNotContain("System.", answer.Body!.ToJsonString());
    }
}
