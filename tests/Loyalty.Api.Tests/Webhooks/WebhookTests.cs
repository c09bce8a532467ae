using System.Text.Json.Nodes;
using Alba;
using Loyalty.Api.Tests.Infrastructure;
using Loyalty.Api.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Webhooks;

/// <summary>
/// Webhooks through the real outbox to a real receiver on loopback. Retries start after 0.2 s here (a minute in
/// production) and the scheduler looks for due messages every 0.2 s.
/// </summary>
public class WebhookTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);

    private Task<IAlbaHost> Node(string database, string firstRetrySeconds = "0.2") =>
        app.StartHostAsync(
            new HostOptions(
                Clock: _clock,
                ConnectionString: database,
                Settings: new Dictionary<string, string?>
                {
                    ["Loyalty:Webhooks:FirstRetrySeconds"] = firstRetrySeconds,
                    ["Loyalty:Webhooks:CacheSeconds"] = "0",
                    ["Loyalty:Scheduling:PollMilliseconds"] = "200",
                    ["Loyalty:Referrals:Enabled"] = "false",
                }
            )
        );

    private static async Task<(Guid Id, string Secret)> Subscribe(
        IAlbaHost host,
        string url,
        bool includeContact = false,
        string[]? events = null
    )
    {
        var answer = await host.Post(
            "/webhooks",
            new
            {
                url,
                events = events ?? ["points.earned", "points.redeemed"],
                includeContact,
            }
        );
        Assert.Equal(201, answer.Status);
        return (Guid.Parse(answer["webhook"]["id"]!.GetValue<string>()), answer.Get<string>("secret"));
    }

    private async Task Buy(IAlbaHost host, Guid member, string id) =>
        Assert.Equal(
            201,
            (await host.Post("/purchases", PurchaseAt(_clock.GetCurrentInstant(), member, id, 10m))).Status
        );

    /// <summary>The next recorded attempt on <paramref name="host"/> that <paramref name="matches"/>.</summary>
    private static Task<WebhookDelivery> Outcome(IAlbaHost host, Func<WebhookDelivery, bool> matches)
    {
        var outcomes = host.Services.GetRequiredService<WebhookOutcomes>();
        var recorded = new TaskCompletionSource<WebhookDelivery>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Seen(WebhookDelivery d)
        {
            if (matches(d))
                recorded.TrySetResult(d);
        }
        outcomes.Recorded += Seen;
        _ = recorded.Task.ContinueWith(_ => outcomes.Recorded -= Seen, TaskScheduler.Default);
        return recorded.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_signed_event_again_until_it_accepts_it()
    {
        await using var receiver = new WebhookReceiver(failing: 2);
        await using var host = await Node(await app.CreateDatabaseAsync());
        var (webhook, secret) = await Subscribe(host, receiver.Url);
        var member = await host.WithEnrolledMember();
        var delivered = Outcome(host, d => d.Status == WebhookDelivery.Delivered);
        await Buy(host, member, "T1");

        var attempts = new[] { await receiver.NextAsync(), await receiver.NextAsync(), await receiver.NextAsync() };
        Assert.Equal([500, 500, 200], attempts.Select(a => a.Answered));
        Assert.Single(attempts.Select(a => a.EventId).Distinct());
        Assert.All(attempts, a => Assert.True(a.SignedWith(secret)));
        var body = JsonNode.Parse(attempts[2].Body)!;
        Assert.Equal(
            ("points.earned", 10),
            (body["type"]!.GetValue<string>(), body["data"]!["points"]!.GetValue<int>())
        );
        Assert.Equal(attempts[2].EventId, body["id"]!.GetValue<string>());
        Assert.DoesNotContain("ada@example.com", attempts[2].Body);
        Assert.Null(body["data"]!["paymentFingerprint"]);

        await delivered;
        var deliveries = await host.Get($"/webhooks/{webhook}/deliveries");
        var delivery = Assert.Single(deliveries["deliveries"].AsArray())!;
        Assert.Equal(
            ("delivered", 3, 200),
            (
                delivery["status"]!.GetValue<string>(),
                delivery["attempts"]!.GetValue<int>(),
                delivery["lastStatusCode"]!.GetValue<int>()
            )
        );

        var replay = await host.Post($"/webhooks/{webhook}/deliveries/{delivery["id"]}/replay", new { });
        Assert.Equal(202, replay.Status);
        Assert.Equal(attempts[0].EventId, (await receiver.NextAsync()).EventId);
    }

    [Fact]
    public async Task A_paused_webhook_sends_nothing_a_resumed_one_sends_with_contact_and_a_deleted_one_is_gone()
    {
        await using var receiver = new WebhookReceiver();
        await using var host = await Node(await app.CreateDatabaseAsync());
        var (webhook, _) = await Subscribe(host, receiver.Url, includeContact: true);
        var member = await host.WithEnrolledMember();

        Assert.Equal("paused", (await host.Post($"/webhooks/{webhook}/pause", new { })).Get<string>("status"));
        await Buy(host, member, "T1"); // not sent, ever

        Assert.Equal("active", (await host.Post($"/webhooks/{webhook}/resume", new { })).Get<string>("status"));
        var delivered = Outcome(host, d => d.Status == WebhookDelivery.Delivered);
        await Buy(host, member, "T2");
        var sent = JsonNode.Parse((await receiver.NextAsync()).Body)!;
        Assert.Equal("T2", sent["data"]!["transactionId"]!.GetValue<string>());
        Assert.Equal("ada@example.com", sent["member"]!["email"]!.GetValue<string>());
        await delivered;
        Assert.Single((await host.Get($"/webhooks/{webhook}/deliveries"))["deliveries"].AsArray());

        Assert.Equal(204, (await host.Send(HttpMethod.Delete, $"/webhooks/{webhook}", null)).Status);
        Assert.Equal(404, (await host.Get($"/webhooks/{webhook}")).Status);
        Assert.DoesNotContain(webhook.ToString(), (await host.Get("/webhooks")).Text);
        await LoyaltyApp.CatchUp(host);
        Assert.Contains("with members' contact details", (await host.Get("/audit?kind=webhook-created")).Text);
        Assert.Contains($"webhook {webhook} deleted", (await host.Get("/audit?kind=webhook-deleted")).Text);
    }

    [Fact]
    public async Task A_retry_that_comes_while_paused_is_skipped_and_sent_on_resume()
    {
        await using var receiver = new WebhookReceiver(failing: 1);
        // The retry comes 3 s after the failure: the pause is in before it.
        await using var host = await Node(await app.CreateDatabaseAsync(), firstRetrySeconds: "3");
        var (webhook, _) = await Subscribe(host, receiver.Url);
        var member = await host.WithEnrolledMember();
        var failed = Outcome(host, d => d.Attempts == 1);
        await Buy(host, member, "T1");
        var first = await receiver.NextAsync();
        await failed;
        var skipped = Outcome(host, d => d.Status == WebhookDelivery.Skipped);
        Assert.Equal(200, (await host.Post($"/webhooks/{webhook}/pause", new { })).Status);
        await skipped;

        Assert.Equal(200, (await host.Post($"/webhooks/{webhook}/resume", new { })).Status);
        var sent = await receiver.NextAsync();
        Assert.Equal((first.EventId, 200), (sent.EventId, sent.Answered));
    }

    [Fact]
    public async Task A_webhook_failing_past_the_retry_window_is_disabled_with_the_reason()
    {
        await using var receiver = new WebhookReceiver(failing: int.MaxValue);
        await using var host = await Node(await app.CreateDatabaseAsync());
        var (webhook, _) = await Subscribe(host, receiver.Url);
        var member = await host.WithEnrolledMember();
        var firstFailure = Outcome(host, d => d.Attempts == 1);
        await Buy(host, member, "T1");
        await firstFailure;
        var failed = Outcome(host, d => d.Status == WebhookDelivery.Failed);
        _clock.Advance(Duration.FromDays(4)); // the retry window is 72 hours
        var delivery = await failed;
        Assert.Equal(500, delivery.LastStatusCode);

        var disabled = await host.Get($"/webhooks/{webhook}");
        Assert.Equal("disabled", disabled.Get<string>("status"));
        Assert.Contains("last: 500", disabled.Get<string>("disabledReason"));
    }

    [Fact]
    public async Task A_delivery_pending_across_a_restart_still_arrives()
    {
        await using var receiver = new WebhookReceiver(failing: 1);
        var database = await app.CreateDatabaseAsync();
        var first = await Node(database);
        await Subscribe(first, receiver.Url);
        var member = await first.WithEnrolledMember();
        var failedOnce = Outcome(first, d => d.Attempts == 1);
        await Buy(first, member, "T1");
        var failure = await receiver.NextAsync();
        await failedOnce;
        await first.DisposeAsync();

        await using var restarted = await Node(database);
        var retried = await receiver.NextAsync();
        Assert.Equal((failure.EventId, 200), (retried.EventId, retried.Answered));
    }

    [Fact]
    public async Task Two_nodes_deliver_each_event_once()
    {
        await using var receiver = new WebhookReceiver();
        var database = await app.CreateDatabaseAsync();
        await using var one = await Node(database);
        await using var two = await Node(database);
        var (webhook, _) = await Subscribe(one, receiver.Url);
        var member = await one.WithEnrolledMember();
        var delivered = 0;
        var allDelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var node in new[] { one, two })
            node.Services.GetRequiredService<WebhookOutcomes>().Recorded += _ =>
            {
                if (Interlocked.Increment(ref delivered) == 10)
                    allDelivered.TrySetResult();
            };
        for (var i = 0; i < 10; i++)
            await Buy(i % 2 == 0 ? one : two, member, $"T{i}");

        var received = new List<Received>();
        for (var i = 0; i < 10; i++)
            received.Add(await receiver.NextAsync());
        Assert.Equal(10, received.Select(r => r.EventId).Distinct().Count());
        Assert.All(received, r => Assert.Equal(200, r.Answered));
        await allDelivered.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var deliveries = (await one.Get($"/webhooks/{webhook}/deliveries"))["deliveries"].AsArray();
        Assert.Equal(Enumerable.Repeat(1, 10), deliveries.Select(d => d!["attempts"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Referral_points_written_beside_the_referral_are_told_for_both_members()
    {
        await using var receiver = new WebhookReceiver();
        await using var host = await Node(await app.CreateDatabaseAsync());
        var settings = new
        {
            currency = "EUR",
            timeZone = "Europe/Amsterdam",
            earnRate = new { points = 1, perAmount = 1 },
        };
        Assert.Equal(200, (await host.Put("/program/settings", settings)).Status);
        var rules = new
        {
            enabled = true,
            referrer = new { points = 500 },
            referred = new { points = 250 },
            trigger = "enrollment",
        };
        Assert.Equal(200, (await host.Put("/program/referrals", rules)).Status);
        await Subscribe(host, receiver.Url, events: ["referral.rewarded"]);
        var anna = await host.WithEnrolledMember();
        var code = (await host.Get($"/members/{anna}/referral")).Get<string>("code");
        var enrolled = await host.Post(
            "/members",
            new
            {
                externalId = NewId("card"),
                name = "Ben",
                referralCode = code,
            }
        );
        var ben = enrolled.Get<Guid>("id");

        var run = await host.Services.GetRequiredService<Loyalty.Api.Referrals.ReferralRewardJob>().RunAsync(default);
        Assert.Equal(1, run.Rewarded);
        var told = new[] { await receiver.NextAsync(), await receiver.NextAsync() };
        Assert.All(told, t => Assert.Equal("referral.rewarded", t.Type));
        var members = told.Select(t => JsonNode.Parse(t.Body)!["memberId"]!.GetValue<Guid>()).Order();
        Assert.Equal(new[] { anna, ben }.Order(), members);
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused()
    {
        var host = app.Host;
        var bad = new { url = "ftp://example.com/x", events = new[] { "points.earned" } };
        Assert.Equal((400, "url"), await Refusal(host.Post("/webhooks", bad)));
        var unknown = new { url = "https://example.com/x", events = new[] { "points.gifted" } };
        Assert.Equal((400, "events"), await Refusal(host.Post("/webhooks", unknown)));
        var none = new { url = "https://example.com/x", events = Array.Empty<string>() };
        Assert.Equal((400, "events"), await Refusal(host.Post("/webhooks", none)));
        Assert.Equal(404, (await host.Post($"/webhooks/{Guid.NewGuid()}/pause", new { })).Status);
    }
}
