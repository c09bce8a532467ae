using System.Text.Json.Nodes;
using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.ApiContract;

/// <summary>
/// The check every test's answers pass through (<see cref="Http"/>) catches what a strict client would choke on:
/// here it is shown real answers with one thing broken in each.
/// </summary>
public class ContractCheckTests(LoyaltyApp app)
{
    private static IReadOnlyList<string> Check(
        string method,
        string url,
        int status,
        JsonNode body,
        params (string, string)[] headers
    ) =>
        LoyaltyApp.Contract.Violations(
            method,
            url,
            status,
            "application/json; charset=utf-8",
            body.ToJsonString(),
            name => headers.FirstOrDefault(h => h.Item1 == name).Item2
        );

    private async Task<JsonNode> MemberAsRead()
    {
        var member = await app.Host.WithEnrolledMember();
        return (await app.Host.Get($"/members/{member}")).Body!;
    }

    [Fact]
    public async Task a_real_answer_keeps_the_contract()
    {
        var member = await MemberAsRead();
        Assert.Empty(Check("GET", $"/members/{member["id"]}", 200, member));
    }

    [Fact]
    public async Task a_null_where_the_document_says_non_null_is_caught()
    {
        var member = await MemberAsRead();
        member["enrolledAt"] = null;
        Assert.Contains(Check("GET", $"/members/{member["id"]}", 200, member), v => v.Contains("/enrolledAt"));
    }

    [Fact]
    public async Task a_missing_required_property_is_caught()
    {
        var member = await MemberAsRead();
        member.AsObject().Remove("closedAt");
        Assert.Contains(Check("GET", $"/members/{member["id"]}", 200, member), v => v.Contains("closedAt"));
    }

    [Fact]
    public async Task a_value_of_the_wrong_format_is_caught()
    {
        var member = await MemberAsRead();
        member["birthday"] = "10/12/1990";
        Assert.Contains(Check("GET", $"/members/{member["id"]}", 200, member), v => v.Contains("/birthday"));
    }

    [Fact]
    public async Task an_undocumented_status_is_caught()
    {
        var member = await MemberAsRead();
        var violations = Check("GET", $"/members/{member["id"]}", 202, member);
        Assert.Contains(violations, v => v.Contains("202 is not documented"));
    }

    [Fact]
    public async Task an_undocumented_header_is_caught()
    {
        var member = await MemberAsRead();
        Assert.Contains(
            Check("GET", $"/members/{member["id"]}", 200, member, ("Location", "/elsewhere")),
            v => v.Contains("header Location")
        );
    }

    [Fact]
    public void a_problem_without_its_field_is_caught()
    {
        var problem = """{"type":"about:blank","title":"x","status":409,"detail":"x","reason":"x","traceId":"t"}""";
        var json = "application/problem+json";
        var violations = LoyaltyApp.Contract.Violations("POST", "/purchases", 409, json, problem, _ => null);
        Assert.Contains(violations, v => v.Contains("field"));
    }
}
