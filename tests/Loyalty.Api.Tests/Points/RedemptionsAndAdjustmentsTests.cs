using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Points;

public class RedemptionsAndAdjustmentsTests(LoyaltyApp app)
{
    private readonly Alba.IAlbaHost _host = app.Host;

    [Fact]
    public async Task redeeming_spends_points()
    {
        var member = await _host.WithMemberHolding(100);
        var answer = await _host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 60,
                reward = "cinema ticket",
                channel = "app",
            }
        );

        Assert.Equal(201, answer.Status);
        Assert.Equal(40, answer["balance"]["available"]!.GetValue<long>());
        Assert.Equal(60, answer["balance"]["lifetimeRedeemed"]!.GetValue<long>());
    }

    [Fact]
    public async Task redeeming_more_than_available_is_refused_naming_the_available_amount()
    {
        var member = await _host.WithMemberHolding(100);
        var answer = await _host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 101,
                reward = "tv",
            }
        );

        Assert.Equal(422, answer.Status);
        Assert.Equal("points", answer.Field);
        Assert.Contains("100", answer.Reason);
    }

    [Fact]
    public async Task a_retried_redemption_spends_once_and_a_reused_id_is_a_conflict()
    {
        var member = await _host.WithMemberHolding(100);
        var request = new
        {
            redemptionId = "R1",
            points = 30,
            reward = "mug",
        };
        await _host.Post($"/members/{member}/redemptions", request);
        var retry = await _host.Post($"/members/{member}/redemptions", request);
        var reused = await _host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 31,
                reward = "mug",
            }
        );

        Assert.Equal("true", retry.Header("Idempotent-Replay"));
        Assert.Equal(409, reused.Status);
        Assert.Equal("redemptionId", reused.Field);
        Assert.Equal(70, await _host.Available(member));
    }

    [Fact]
    public async Task cancelling_a_redemption_gives_the_points_back_once()
    {
        var member = await _host.WithMemberHolding(100);
        await _host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 30,
                reward = "mug",
            }
        );

        var cancelled = await _host.Post(
            $"/members/{member}/redemptions/R1/cancellation",
            new { reason = "out of stock" }
        );
        var again = await _host.Post($"/members/{member}/redemptions/R1/cancellation", new { reason = "out of stock" });

        Assert.Equal(200, cancelled.Status);
        Assert.Equal(30, cancelled.Get<int>("pointsReturned"));
        Assert.Equal("true", again.Header("Idempotent-Replay"));
        Assert.Equal(100, await _host.Available(member));
    }

    [Fact]
    public async Task cancelling_an_unknown_redemption_is_not_found()
    {
        var member = await _host.WithMemberHolding(10);
        var answer = await _host.Post($"/members/{member}/redemptions/nope/cancellation", new { });
        Assert.Equal(404, answer.Status);
        Assert.Equal("redemptionId", answer.Field);
    }

    [Fact]
    public async Task adjustments_add_and_remove_points_but_never_below_zero()
    {
        var member = await _host.WithMemberHolding(10);
        var added = await _host.Post(
            $"/members/{member}/adjustments",
            new
            {
                adjustmentId = "A1",
                points = 15,
                reason = "goodwill",
            }
        );
        var removed = await _host.Post(
            $"/members/{member}/adjustments",
            new
            {
                adjustmentId = "A2",
                points = -20,
                reason = "correction",
            }
        );
        var tooMuch = await _host.Post(
            $"/members/{member}/adjustments",
            new
            {
                adjustmentId = "A3",
                points = -6,
                reason = "correction",
            }
        );

        Assert.Equal(201, added.Status);
        Assert.Equal(201, removed.Status);
        Assert.Equal(422, tooMuch.Status);
        Assert.Equal("points", tooMuch.Field);
        Assert.Equal(5, await _host.Available(member));
    }

    [Fact]
    public async Task an_adjustment_without_a_reason_is_refused()
    {
        var member = await _host.WithMemberHolding(10);
        var answer = await _host.Post($"/members/{member}/adjustments", new { adjustmentId = "A1", points = 5 });
        Assert.Equal(400, answer.Status);
        Assert.Equal("reason", answer.Field);
    }
}
