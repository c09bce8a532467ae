using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Members;

public class ChangingMembersTests(LoyaltyApp app)
{
    private readonly Alba.IAlbaHost _host = app.Host;

    private static object Profile(int expectedVersion, string name) =>
        new
        {
            expectedVersion,
            name,
            email = "ada@example.com",
            timeZone = "Europe/London",
        };

    [Fact]
    public async Task a_profile_edit_at_the_current_version_takes_effect()
    {
        var member = await _host.WithEnrolledMember();
        var answer = await _host.Put($"/members/{member}/profile", Profile(1, "Ada King"));

        Assert.Equal(200, answer.Status);
        Assert.Equal(2, answer.Get<int>("profileVersion"));
        Assert.Equal("Ada King", (await _host.Get($"/members/{member}")).Get<string>("name"));
    }

    [Fact]
    public async Task a_profile_edit_at_a_stale_version_is_refused_and_changes_nothing()
    {
        var member = await _host.WithEnrolledMember();
        await _host.Put($"/members/{member}/profile", Profile(1, "Ada King"));
        var stale = await _host.Put($"/members/{member}/profile", Profile(1, "Ada Byron"));

        Assert.Equal(412, stale.Status);
        Assert.Equal("expectedVersion", stale.Field);
        Assert.Equal("Ada King", (await _host.Get($"/members/{member}")).Get<string>("name"));
    }

    [Fact]
    public async Task points_movements_do_not_make_a_profile_edit_stale()
    {
        var member = await _host.WithMemberHolding(10);
        await _host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 5,
                reward = "pen",
            }
        );
        var read = await _host.Get($"/members/{member}");

        var answer = await _host.Put(
            $"/members/{member}/profile",
            Profile(read.Get<int>("profileVersion"), "Ada King")
        );
        Assert.Equal(1, read.Get<int>("profileVersion"));
        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task a_closed_member_earns_nothing_but_can_still_redeem()
    {
        var member = await _host.WithMemberHolding(50);
        var closed = await _host.Post($"/members/{member}/closure", new { reason = "moved away" });
        Assert.Equal(200, closed.Status);
        Assert.Equal("closed", closed.Get<string>("status"));

        var purchase = await _host.Post("/purchases", Purchase(member, NewId("T"), Line("1", 1, 10)));
        Assert.Equal(422, purchase.Status);
        Assert.Equal("memberId", purchase.Field);

        var redeemed = await _host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = NewId("R"),
                points = 50,
                reward = "mug",
            }
        );
        Assert.Equal(201, redeemed.Status);
        Assert.Equal(0, await _host.Available(member));
    }

    [Fact]
    public async Task closing_twice_changes_nothing()
    {
        var member = await _host.WithEnrolledMember();
        await _host.Post($"/members/{member}/closure", new { reason = "moved away" });
        var again = await _host.Post($"/members/{member}/closure", new { reason = "moved away" });

        Assert.Equal(200, again.Status);
        Assert.Equal(2, again.Get<int>("profileVersion"));
    }

    [Fact]
    public async Task editing_or_closing_an_unknown_member_is_not_found()
    {
        Assert.Equal(404, (await _host.Put($"/members/{Guid.NewGuid()}/profile", Profile(1, "X"))).Status);
        Assert.Equal(404, (await _host.Post($"/members/{Guid.NewGuid()}/closure", new { reason = "x" })).Status);
    }
}
