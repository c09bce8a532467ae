using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Members;

public class EnrollingMembersTests(LoyaltyApp app)
{
    private readonly Alba.IAlbaHost _host = app.Host;

    [Fact]
    public async Task enrolling_answers_the_member_with_where_to_find_it()
    {
        var card = NewId("card");
        var answer = await _host.Post(
            "/members",
            new
            {
                externalId = card,
                name = "Ada",
                email = "ada@example.com",
                birthday = "1990-05-01",
                timeZone = "America/New_York",
            }
        );

        Assert.Equal(201, answer.Status);
        var id = answer.Get<Guid>("id");
        Assert.Equal($"/members/{id}", answer.Header("Location"));
        Assert.Equal("1990-05-01", answer.Get<string>("birthday"));
        Assert.Equal("America/New_York", answer.Get<string>("timeZone"));
        Assert.Equal(1, answer.Get<int>("profileVersion"));

        var read = await _host.Get($"/members/{id}");
        Assert.Equal(card, read.Get<string>("externalId"));
        var found = await _host.Get($"/members?externalId={card}");
        Assert.Equal(id, found.Get<Guid>("id"));
    }

    [Fact]
    public async Task a_member_without_a_zone_takes_the_programs()
    {
        var answer = await _host.Post("/members", new { externalId = NewId("card"), name = "Ada" });
        Assert.Equal("Europe/Amsterdam", answer.Get<string>("timeZone"));
    }

    [Fact]
    public async Task enrolling_the_same_member_again_answers_the_existing_member_and_records_nothing()
    {
        var request = new
        {
            externalId = NewId("card"),
            name = "Ada",
            email = "ada@example.com",
        };
        var first = await _host.Post("/members", request);
        var again = await _host.Post("/members", request);

        Assert.Equal(first.Get<Guid>("id"), again.Get<Guid>("id"));
        Assert.Equal("true", again.Header("Idempotent-Replay"));
        Assert.Equal($"/members/{first.Get<Guid>("id")}", again.Header("Location"));
        // The enrollment and the member's referral code, once.
        Assert.Equal(2, await _host.StreamVersion(first.Get<Guid>("id")));
    }

    [Fact]
    public async Task the_same_external_id_with_other_data_is_a_conflict()
    {
        var card = NewId("card");
        await _host.Post("/members", new { externalId = card, name = "Ada" });
        var other = await _host.Post("/members", new { externalId = card, name = "Grace" });

        Assert.Equal(409, other.Status);
        Assert.Equal("externalId", other.Field);
        Assert.Equal("application/problem+json", other.ContentType);
    }

    [Fact]
    public async Task concurrent_enrollments_of_one_card_make_one_member()
    {
        var request = new { externalId = NewId("card"), name = "Ada" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _host.Post("/members", request)));

        Assert.All(answers, a => Assert.Equal(201, a.Status));
        Assert.Single(answers.Select(a => a.Get<Guid>("id")).Distinct());
    }

    [Fact]
    public async Task an_unknown_member_is_not_found()
    {
        var byId = await _host.Get($"/members/{Guid.NewGuid()}");
        Assert.Equal(404, byId.Status);
        Assert.Equal("memberId", byId.Field);
        var byCard = await _host.Get("/members?externalId=nobody");
        Assert.Equal(404, byCard.Status);
        Assert.Equal("externalId", byCard.Field);
    }
}
