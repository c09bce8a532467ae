using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Points;

public class LedgerTests(LoyaltyApp app)
{
    private readonly Alba.IAlbaHost _host = app.Host;

    [Fact]
    public async Task the_ledger_lists_every_movement_newest_first_with_the_balance_after_it()
    {
        var member = await _host.WithEnrolledMember();
        var transaction = NewId("T");
        await _host.Post("/purchases", Purchase(member, transaction, Line("a", 2, 25)));
        await _host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 20,
                reward = "mug",
                channel = "app",
            }
        );
        await _host.Post(
            $"/purchases/pos-1/{transaction}/returns",
            new { returnId = "r1", lines = new[] { new { lineId = "a", quantity = 1 } } }
        );
        var supportDesk = await _host.Post(
            "/api-keys",
            new { name = "support-desk", scopes = new[] { "points:adjust" } }
        );
        await _host.Post(
            $"/members/{member}/adjustments",
            new
            {
                adjustmentId = "A1",
                points = 5,
                reason = "goodwill",
            },
            Http.WithKey(supportDesk.Get<string>("key"))
        );

        var entries = (await _host.Get($"/members/{member}/ledger"))["entries"].AsArray();

        Assert.Equal(
            ["adjusted", "reversed", "redeemed", "earned"],
            entries.Select(e => e!["type"]!.GetValue<string>())
        );
        Assert.Equal([5L, -25L, -20L, 50L], entries.Select(e => e!["points"]!.GetValue<long>()));
        Assert.Equal([10L, 5L, 30L, 50L], entries.Select(e => e!["balanceAfter"]!.GetValue<long>()));
        var earned = entries[3]!;
        Assert.Equal(transaction, earned["reference"]!["id"]!.GetValue<string>());
        Assert.Equal("pos-1", earned["reference"]!["source"]!.GetValue<string>());
        Assert.Equal(1, earned["ruleVersion"]!.GetValue<int>());
        Assert.Equal("support-desk", entries[0]!["by"]!["name"]!.GetValue<string>());
        Assert.Equal(supportDesk["details"]["id"]!.GetValue<string>(), entries[0]!["by"]!["id"]!.GetValue<string>());
        Assert.Equal(Earlier.ToString(), earned["at"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_ledger_pages_by_cursor()
    {
        var member = await _host.WithMemberHolding(100);
        for (var i = 1; i <= 4; i++)
            await _host.Post(
                $"/members/{member}/redemptions",
                new
                {
                    redemptionId = $"R{i}",
                    points = i,
                    reward = "sticker",
                }
            );

        var first = await _host.Get($"/members/{member}/ledger?limit=2");
        var second = await _host.Get($"/members/{member}/ledger?limit=2&cursor={first.Get<string>("nextCursor")}");
        var third = await _host.Get($"/members/{member}/ledger?limit=2&cursor={second.Get<string>("nextCursor")}");

        Assert.Equal([4, 3], first["entries"].AsArray().Select(e => -e!["points"]!.GetValue<int>()));
        Assert.Equal([2, 1], second["entries"].AsArray().Select(e => -e!["points"]!.GetValue<int>()));
        Assert.Equal("earned", third["entries"][0]!["type"]!.GetValue<string>());
        Assert.Null(third.Body!["nextCursor"]);
    }

    [Fact]
    public async Task the_ledger_of_an_unknown_member_is_not_found()
    {
        var answer = await _host.Get($"/members/{Guid.NewGuid()}/ledger");
        Assert.Equal(404, answer.Status);
        Assert.Equal("memberId", answer.Field);
    }
}
