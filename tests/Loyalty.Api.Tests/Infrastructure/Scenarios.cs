using Alba;
using NodaTime;

namespace Loyalty.Api.Tests.Infrastructure;

/// <summary>The business steps tests are made of, with sensible defaults and fresh ids.</summary>
public static class Scenarios
{
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static readonly Instant Earlier = LoyaltyApp.Start - Duration.FromHours(2);

    public static object Line(string lineId, decimal quantity, decimal unitPrice, decimal discount = 0) =>
        new
        {
            lineId,
            sku = "sku-" + lineId,
            category = "grocery",
            quantity,
            unitPrice,
            discount,
        };

    /// <summary>A purchase of two units of one line that happened at <paramref name="at"/>.</summary>
    public static object PurchaseAt(Instant at, Guid memberId, string transactionId, decimal amount) =>
        new
        {
            source = "pos-1",
            transactionId,
            memberId,
            storeId = "store-12",
            occurredAt = at,
            currency = "EUR",
            lines = new[] { Line("1", 2, amount / 2) },
        };

    public static object Purchase(Guid memberId, string transactionId, params object[] lines) =>
        new
        {
            source = "pos-1",
            transactionId,
            memberId,
            storeId = "store-12",
            occurredAt = Earlier,
            currency = "EUR",
            lines,
        };

    public static async Task<Guid> WithEnrolledMember(this IAlbaHost host, string? externalId = null)
    {
        var answer = await host.Post(
            "/members",
            new
            {
                externalId = externalId ?? NewId("card"),
                name = "Ada Lovelace",
                email = "ada@example.com",
            }
        );
        Assert.Equal(201, answer.Status);
        return answer.Get<Guid>("id");
    }

    /// <summary>
    /// An enrolled member who earned <paramref name="points"/> (at 1 point per 1.00) in purchase <c>T-seed</c>.
    /// </summary>
    public static async Task<Guid> WithMemberHolding(this IAlbaHost host, int points)
    {
        var member = await host.WithEnrolledMember();
        var answer = await host.Post(
            "/purchases",
            Purchase(member, "T-seed-" + member.ToString("N"), Line("1", 1, points))
        );
        Assert.Equal(201, answer.Status);
        return member;
    }

    /// <summary>A refusal's status and the field it names; it must be problem+json.</summary>
    public static async Task<(int Status, string? Field)> Refusal(Task<Answer> request)
    {
        var answer = await request;
        Assert.Equal("application/problem+json", answer.ContentType);
        return (answer.Status, answer.Field);
    }

    public static async Task<long> Available(this IAlbaHost host, Guid member) =>
        (await host.Get($"/members/{member}/balance")).Get<long>("available");

    public static async Task<long> StreamVersion(this IAlbaHost host, Guid member) =>
        (await host.Get($"/members/{member}/balance")).Get<long>("version");
}
