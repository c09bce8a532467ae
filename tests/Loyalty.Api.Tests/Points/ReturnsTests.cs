using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Points;

public class ReturnsTests(LoyaltyApp app)
{
    private readonly Alba.IAlbaHost _host = app.Host;

    private async Task<(Guid Member, string Transaction)> WithPurchase(params object[] lines)
    {
        var member = await _host.WithEnrolledMember();
        var transaction = NewId("T");
        Assert.Equal(201, (await _host.Post("/purchases", Purchase(member, transaction, lines))).Status);
        return (member, transaction);
    }

    private static object Return(string returnId, params object[] lines) => new { returnId, lines };

    private static object Returned(string lineId, decimal quantity) => new { lineId, quantity };

    [Fact]
    public async Task partial_returns_add_up_to_exactly_what_the_purchase_earned()
    {
        // 9.99 + 20 → 29 points
        var (member, transaction) = await WithPurchase(Line("a", 3, 3.33m), Line("b", 1, 20));
        var url = $"/purchases/pos-1/{transaction}/returns";

        var first = await _host.Post(url, Return("r1", Returned("a", 1)));
        var second = await _host.Post(url, Return("r2", Returned("a", 2), Returned("b", 1)));

        Assert.Equal(201, first.Status);
        Assert.Equal(29, first.Get<int>("pointsReversed") + second.Get<int>("pointsReversed"));
        Assert.Equal(0, await _host.Available(member));
    }

    [Fact]
    public async Task returning_more_than_was_bought_is_refused()
    {
        var (member, transaction) = await WithPurchase(Line("a", 2, 10));
        var answer = await _host.Post($"/purchases/pos-1/{transaction}/returns", Return("r1", Returned("a", 3)));

        Assert.Equal(422, answer.Status);
        Assert.Equal("lines[0].quantity", answer.Field);
        Assert.Equal(20, await _host.Available(member));
    }

    [Fact]
    public async Task returning_spent_points_leaves_a_deficit_that_the_next_earning_settles()
    {
        var (member, transaction) = await WithPurchase(Line("a", 1, 100));
        await _host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 80,
                reward = "bag",
            }
        );

        var returned = await _host.Post($"/purchases/pos-1/{transaction}/returns", Return("r1", Returned("a", 1)));
        Assert.Equal(20, returned.Get<int>("takenFromBalance"));
        Assert.Equal(80, returned.Get<int>("addedToDeficit"));
        Assert.Equal(0, returned["balance"]["available"]!.GetValue<long>());
        Assert.Equal(80, returned["balance"]["deficit"]!.GetValue<long>());

        var next = await _host.Post("/purchases", Purchase(member, NewId("T"), Line("x", 1, 50)));
        Assert.Equal(50, next.Get<int>("deficitSettled"));
        Assert.Equal(0, next["balance"]["available"]!.GetValue<long>());
        Assert.Equal(30, next["balance"]["deficit"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_retried_return_reverses_once()
    {
        var (member, transaction) = await WithPurchase(Line("a", 2, 10));
        var url = $"/purchases/pos-1/{transaction}/returns";
        await _host.Post(url, Return("r1", Returned("a", 1)));
        var retry = await _host.Post(url, Return("r1", Returned("a", 1)));

        Assert.Equal("true", retry.Header("Idempotent-Replay"));
        Assert.Equal(10, await _host.Available(member));
    }

    [Fact]
    public async Task a_return_of_an_unknown_purchase_is_not_found()
    {
        var answer = await _host.Post("/purchases/pos-1/nope/returns", Return("r1", Returned("a", 1)));
        Assert.Equal(404, answer.Status);
        Assert.Equal("transactionId", answer.Field);
    }

    [Fact]
    public async Task a_return_id_reused_with_other_lines_is_a_conflict()
    {
        var (_, transaction) = await WithPurchase(Line("a", 2, 10));
        var url = $"/purchases/pos-1/{transaction}/returns";
        await _host.Post(url, Return("r1", Returned("a", 1)));
        var answer = await _host.Post(url, Return("r1", Returned("a", 2)));

        Assert.Equal(409, answer.Status);
        Assert.Equal("returnId", answer.Field);
    }
}
