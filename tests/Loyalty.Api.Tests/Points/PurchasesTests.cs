using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Points;

public class PurchasesTests(LoyaltyApp app)
{
    private readonly Alba.IAlbaHost _host = app.Host;

    [Fact]
    public async Task a_purchase_earns_points_per_line_and_answers_the_new_balance()
    {
        var member = await _host.WithEnrolledMember();
        var answer = await _host.Post(
            "/purchases",
            Purchase(member, NewId("T"), Line("1", 2, 10.40m, 1.00m), Line("2", 1, 5.30m))
        );

        Assert.Equal(201, answer.Status);
        Assert.Equal(25, answer.Get<int>("pointsEarned"));
        Assert.Equal(1, answer.Get<int>("ruleVersion"));
        Assert.Equal(20, answer["lines"][0]!["points"]!.GetValue<int>());
        Assert.Equal(25, answer["balance"]["available"]!.GetValue<long>());
        Assert.Equal(25, await _host.Available(member));
    }

    [Fact]
    public async Task a_till_that_knows_only_the_card_finds_the_member()
    {
        var card = NewId("card");
        var member = await _host.WithEnrolledMember(card);
        var answer = await _host.Post(
            "/purchases",
            new
            {
                source = "pos-1",
                transactionId = NewId("T"),
                memberExternalId = card,
                storeId = "store-12",
                occurredAt = Earlier,
                currency = "EUR",
                lines = new[] { Line("1", 1, 12) },
            }
        );

        Assert.Equal(201, answer.Status);
        Assert.Equal(member, answer.Get<Guid>("memberId"));
    }

    [Fact]
    public async Task a_retried_purchase_answers_the_first_answer_and_earns_once()
    {
        var member = await _host.WithEnrolledMember();
        var purchase = Purchase(member, NewId("T"), Line("1", 1, 30));
        var first = await _host.Post("/purchases", purchase);
        var retry = await _host.Post("/purchases", purchase);

        Assert.Equal(201, retry.Status);
        Assert.Equal("true", retry.Header("Idempotent-Replay"));
        Assert.Equal(first.Body!.ToJsonString(), retry.Body!.ToJsonString());
        Assert.Equal(30, await _host.Available(member));
    }

    [Fact]
    public async Task the_same_transaction_with_a_different_body_is_a_conflict()
    {
        var member = await _host.WithEnrolledMember();
        var transaction = NewId("T");
        await _host.Post("/purchases", Purchase(member, transaction, Line("1", 1, 30)));
        var other = await _host.Post("/purchases", Purchase(member, transaction, Line("1", 1, 31)));

        Assert.Equal(409, other.Status);
        Assert.Equal("transactionId", other.Field);
        Assert.Equal(30, await _host.Available(member));
    }

    [Fact]
    public async Task twenty_copies_of_one_purchase_at_once_earn_exactly_once()
    {
        var member = await _host.WithEnrolledMember();
        var purchase = Purchase(member, NewId("T"), Line("1", 1, 40));
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _host.Post("/purchases", purchase)));

        Assert.All(answers, a => Assert.Equal(201, a.Status));
        Assert.Equal(19, answers.Count(a => a.Header("Idempotent-Replay") == "true"));
        Assert.Equal(40, await _host.Available(member));
        var ledger = await _host.Get($"/members/{member}/ledger");
        Assert.Single(ledger["entries"].AsArray());
    }

    [Fact]
    public async Task a_purchase_stamped_ahead_of_our_clock_is_taken_once_the_clock_has_caught_up()
    {
        var clock = new NodaTime.Testing.FakeClock(LoyaltyApp.Start);
        await using var host = await app.StartHostAsync(new HostOptions(Clock: clock));
        var member = await host.WithEnrolledMember();
        var purchase = System
            .Text.Json.JsonSerializer.SerializeToNode(Purchase(member, NewId("T"), Line("1", 1, 10)), Http.Json)!
            .AsObject();
        purchase["occurredAt"] = (LoyaltyApp.Start + NodaTime.Duration.FromMinutes(30)).ToString();

        var early = await host.Post("/purchases", purchase.ToJsonString());
        clock.Advance(NodaTime.Duration.FromMinutes(30));
        var onTime = await host.Post("/purchases", purchase.ToJsonString());

        Assert.Equal(400, early.Status);
        Assert.Equal("occurredAt", early.Field);
        Assert.Equal(201, onTime.Status);
        var entry = (await host.Get($"/members/{member}/ledger"))["entries"][0]!;
        Assert.Equal(clock.GetCurrentInstant().ToString(), entry["recordedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_purchase_for_an_unknown_member_is_not_found()
    {
        var answer = await _host.Post("/purchases", Purchase(Guid.NewGuid(), NewId("T"), Line("1", 1, 10)));
        Assert.Equal(404, answer.Status);
        Assert.Equal("memberId", answer.Field);
    }

    [Fact]
    public async Task a_purchase_in_another_currency_is_refused()
    {
        var member = await _host.WithEnrolledMember();
        var answer = await _host.Post(
            "/purchases",
            new
            {
                source = "pos-1",
                transactionId = NewId("T"),
                memberId = member,
                storeId = "s",
                occurredAt = Earlier,
                currency = "USD",
                lines = new[] { Line("1", 1, 10) },
            }
        );
        Assert.Equal(422, answer.Status);
        Assert.Equal("currency", answer.Field);
    }

    [Fact]
    public async Task an_occurred_at_with_an_offset_is_the_same_instant_and_is_answered_in_utc()
    {
        var member = await _host.WithEnrolledMember();
        var purchase = new
        {
            source = "pos-1",
            transactionId = NewId("T"),
            memberId = member,
            storeId = "store-12",
            currency = "EUR",
            occurredAt = "2026-11-24T11:00:00+01:00",
            lines = new[] { Line("1", 1, 10) },
        };
        var answer = await _host.Post("/purchases", purchase);
        var entry = (await _host.Get($"/members/{member}/ledger")).Body!["entries"]![0]!;

        Assert.Equal(201, answer.Status);
        Assert.Equal("2026-11-24T10:00:00Z", entry["at"]!.GetValue<string>());
        var inUtc = await _host.Post("/purchases", purchase with { occurredAt = "2026-11-24T10:00:00Z" });
        Assert.Equal("true", inUtc.Header("Idempotent-Replay"));
    }
}
