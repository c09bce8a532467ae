using Alba;
using Loyalty.Api.Referrals;
using Loyalty.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using NodaTime.Text;
using Wolverine;
using Wolverine.Tracking;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Referrals;

/// <summary>
/// Referrals through the API, each test on a database of its own (the rules are program-wide), with the reward job
/// run by the test at the moments it chooses.
/// </summary>
public class ReferralsTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);
    private HostOptions? _options;

    private async Task<IAlbaHost> Program(
        int monthlyCap = 3,
        string onReturn = "claw-back",
        string trigger = "first-purchase",
        int velocityLimit = 10
    )
    {
        _options = new HostOptions(
            Clock: _clock,
            ConnectionString: await app.CreateDatabaseAsync(),
            Settings: new Dictionary<string, string?> { ["Loyalty:Referrals:Enabled"] = "false" }
        );
        var host = await app.StartHostAsync(_options);
        var settings = await host.Put(
            "/program/settings",
            new
            {
                currency = "EUR",
                timeZone = "Europe/Amsterdam",
                earnRate = new { points = 1, perAmount = 1 },
                pendingDays = 14,
            }
        );
        Assert.Equal(200, settings.Status);
        var rules = await host.Put(
            "/program/referrals",
            new
            {
                enabled = true,
                referrer = new { points = 500 },
                referred = new { points = 250 },
                trigger,
                minimumPaid = 20m,
                monthlyCap,
                onReturn,
                velocityLimit,
                shareLink = "https://shop.example/join?ref={code}",
            }
        );
        Assert.Equal(200, rules.Status);
        return host;
    }

    private Task<IAlbaHost> Restart() => app.StartHostAsync(_options);

    private static async Task<Guid> Enroll(
        IAlbaHost host,
        string name,
        string? code = null,
        string? email = null,
        string? deviceId = null
    )
    {
        var answer = await host.Post(
            "/members",
            new
            {
                externalId = NewId("card"),
                name,
                email = email ?? $"{NewId(name.ToLowerInvariant())}@example.com",
                referralCode = code,
                deviceId,
            }
        );
        Assert.True(answer.Status == 201, answer.ToString());
        return answer.Get<Guid>("id");
    }

    private static async Task<string> CodeOf(IAlbaHost host, Guid member) =>
        (await host.Get($"/members/{member}/referral")).Get<string>("code");

    private object Bought(Guid member, string transactionId, decimal amount, string? paymentFingerprint = null) =>
        new
        {
            source = "pos-1",
            transactionId,
            memberId = member,
            storeId = "store-12",
            occurredAt = _clock.GetCurrentInstant(),
            currency = "EUR",
            lines = new[] { Line("1", 1, amount) },
            paymentFingerprint,
        };

    /// <summary>A request, and every message it sends handled before the answer is looked at.</summary>
    private static async Task<Answer> WithMessages(IAlbaHost host, Func<Task<Answer>> request)
    {
        Answer? answer = null;
        await host.TrackActivity()
            .Timeout(TimeSpan.FromSeconds(60))
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => answer = await request()));
        return answer!;
    }

    private static async Task<ReferralRewardRun> RunRewards(IAlbaHost host) =>
        await host.Services.GetRequiredService<ReferralRewardJob>().RunAsync(CancellationToken.None);

    /// <summary>The referral that brought <paramref name="referred"/>, as their referral page shows it.</summary>
    private static async Task<Answer> ReferralOf(IAlbaHost host, Guid referred)
    {
        var page = await host.Get($"/members/{referred}/referral");
        return page with { Body = page["referredBy"] };
    }

    [Fact]
    public async Task a_friend_enrolls_with_the_code_buys_and_once_the_window_passes_both_are_rewarded_once()
    {
        var host = await Program();
        var anna = await Enroll(host, "Anna");
        var referral = await host.Get($"/members/{anna}/referral");
        var code = referral.Get<string>("code");
        Assert.Equal($"https://shop.example/join?ref={code}", referral.Get<string>("shareLink"));
        Assert.Equal(code, await CodeOf(host, anna));

        // Typed in lower case with a hyphen, as people do.
        var ben = await Enroll(host, "Ben", code: code[..4].ToLowerInvariant() + "-" + code[4..]);
        Assert.Equal("referred", (await ReferralOf(host, ben)).Get<string>("status"));

        var bought = await WithMessages(host, () => host.Post("/purchases", Bought(ben, "T-ben-1", 30m)));
        Assert.Equal(201, bought.Status);
        var qualified = await ReferralOf(host, ben);
        Assert.Equal("qualified", qualified.Get<string>("status"));
        var due = _clock.GetCurrentInstant() + Duration.FromDays(14);
        Assert.Equal(InstantPattern.ExtendedIso.Format(due), qualified.Get<string>("rewardDue"));
        Assert.Equal(30m, qualified["paid"]["amount"]!.GetValue<decimal>());

        Assert.Equal(new ReferralRewardRun(0, 0), await RunRewards(host));
        _clock.Advance(Duration.FromDays(14));
        Assert.Equal(new ReferralRewardRun(1, 1), await RunRewards(host));
        await host.DisposeAsync();
        host = await Restart();
        Assert.Equal(new ReferralRewardRun(0, 0), await RunRewards(host));

        Assert.Equal(500, await host.Available(anna));
        Assert.Equal(30 + 250, await host.Available(ben));
        var figures = (await host.Get($"/members/{anna}/referral"))["figures"];
        Assert.Equal(
            (1, 0, 1, 500L),
            (
                figures["invited"]!.GetValue<int>(),
                figures["pending"]!.GetValue<int>(),
                figures["rewarded"]!.GetValue<int>(),
                figures["pointsEarned"]!.GetValue<long>()
            )
        );
        var entry = (await host.Get($"/members/{anna}/ledger"))["entries"][0]!;
        Assert.Equal(("referral", 500), (entry["type"]!.GetValue<string>(), entry["points"]!.GetValue<int>()));
        var rewarded = await ReferralOf(host, ben);
        Assert.Equal(
            ("rewarded", 500, 250),
            (rewarded.Get<string>("status"), rewarded.Get<int>("referrerPoints"), rewarded.Get<int>("referredPoints"))
        );
        await host.DisposeAsync();
    }

    [Fact]
    public async Task an_unknown_or_mistyped_code_is_refused_and_enrolls_no_one()
    {
        await using var host = await Program();
        var code = await CodeOf(host, await Enroll(host, "Anna"));
        var mistyped = code[..3] + (code[3] == 'A' ? 'B' : 'A') + code[4..];

        foreach (var typed in new[] { mistyped, "ZZZZ2026" })
        {
            var externalId = NewId("card");
            var refused = await host.Post(
                "/members",
                new
                {
                    externalId,
                    name = "Ben",
                    referralCode = typed,
                }
            );
            Assert.Equal((422, "referralCode"), (refused.Status, refused.Field));
            Assert.Equal(404, (await host.Get($"/members?externalId={externalId}")).Status);
        }
        Assert.Equal(
            (400, "referralCode"),
            await Refusal(
                host.Post(
                    "/members",
                    new
                    {
                        externalId = NewId("card"),
                        name = "Ben",
                        referralCode = "no!",
                    }
                )
            )
        );
    }

    [Fact]
    public async Task a_self_referral_is_held_for_review_and_rejected_it_never_pays()
    {
        await using var host = await Program();
        var anna = await Enroll(host, "Anna", email: "anna.smith@gmail.com", deviceId: "device-1");
        var code = await CodeOf(host, anna);

        var again = await Enroll(host, "Anna again", code: code, email: "AnnaSmith+promo@googlemail.com");
        var held = await ReferralOf(host, again);
        Assert.Equal(["same-email"], held["heldFor"].AsArray().Select(r => r!.GetValue<string>()));
        var sameDevice = await Enroll(host, "Other", code: code, deviceId: "device-1");
        Assert.Equal(
            ["same-device"],
            (await ReferralOf(host, sameDevice))["heldFor"].AsArray().Select(r => r!.GetValue<string>())
        );

        var list = await host.Get("/program/referrals?status=held");
        Assert.Equal(2, list["referrals"].AsArray().Count);
        var id = held.Get<Guid>("referralId");
        var rejected = await host.Post(
            $"/program/referrals/{id}/review",
            new { decision = "reject", reason = "the same person, one mailbox" }
        );
        Assert.Equal(
            ("rejected", "the same person, one mailbox"),
            (rejected.Get<string>("status"), rejected.Get<string>("reason"))
        );
        Assert.Equal(
            409,
            (await host.Post($"/program/referrals/{id}/review", new { decision = "approve", reason = "oops" })).Status
        );
        Assert.Equal(
            (400, "decision"),
            await Refusal(host.Post($"/program/referrals/{id}/review", new { decision = "maybe", reason = "x" }))
        );

        await WithMessages(host, () => host.Post("/purchases", Bought(again, "T-again-1", 50m)));
        _clock.Advance(Duration.FromDays(15));
        await RunRewards(host);
        Assert.Equal(0, await host.Available(anna));
        Assert.Equal(50, await host.Available(again));
        Assert.Single((await host.Get("/program/referrals?status=held"))["referrals"].AsArray());

        await LoyaltyApp.CatchUp(host);
        var audit = await host.Get("/audit?kind=referral-rejected");
        Assert.Contains("the same person, one mailbox", audit.Body!.ToJsonString());
    }

    [Fact]
    public async Task a_held_referral_approved_pays_when_due_and_the_same_payment_card_holds_it()
    {
        await using var host = await Program();
        var anna = await Enroll(host, "Anna");
        await WithMessages(host, () => host.Post("/purchases", Bought(anna, "T-anna-1", 10m, "card-fp-1")));
        var ben = await Enroll(host, "Ben", code: await CodeOf(host, anna));

        await WithMessages(host, () => host.Post("/purchases", Bought(ben, "T-ben-1", 40m, "card-fp-1")));
        var held = await ReferralOf(host, ben);
        Assert.Equal(
            ("qualified", "same-payment"),
            (held.Get<string>("status"), held["heldFor"][0]!.GetValue<string>())
        );
        _clock.Advance(Duration.FromDays(15));
        Assert.Equal(new ReferralRewardRun(0, 0), await RunRewards(host));

        var approved = await host.Post(
            $"/program/referrals/{held.Get<Guid>("referralId")}/review",
            new { decision = "approve", reason = "a family card" }
        );
        Assert.Equal(200, approved.Status);
        Assert.Equal(new ReferralRewardRun(1, 1), await RunRewards(host));
        Assert.Equal(10 + 500, await host.Available(anna));
    }

    [Fact]
    public async Task a_return_inside_the_window_fails_the_referral_and_after_the_reward_claws_it_back()
    {
        await using var host = await Program();
        var anna = await Enroll(host, "Anna");
        var code = await CodeOf(host, anna);
        var ben = await Enroll(host, "Ben", code: code);
        var cleo = await Enroll(host, "Cleo", code: code);
        await WithMessages(host, () => host.Post("/purchases", Bought(ben, "T-ben-1", 30m)));
        await WithMessages(host, () => host.Post("/purchases", Bought(cleo, "T-cleo-1", 30m)));

        // Ben returns half inside the window: 15.00 is below the minimum of 20.00.
        var early = await WithMessages(host, () => Return(host, "T-ben-1", "R1", 0.5m));
        Assert.Equal(201, early.Status);
        Assert.Equal("failed", (await ReferralOf(host, ben)).Get<string>("status"));

        _clock.Advance(Duration.FromDays(15));
        Assert.Equal(new ReferralRewardRun(1, 1), await RunRewards(host));
        Assert.Equal(500, await host.Available(anna));
        // Anna spends 300 of her 500: the claw-back takes the 200 left and leaves a deficit of 300.
        Assert.Equal(
            201,
            (
                await host.Post(
                    $"/members/{anna}/redemptions",
                    new
                    {
                        redemptionId = "r1",
                        points = 300,
                        reward = "voucher",
                    }
                )
            ).Status
        );

        var late = await WithMessages(host, () => Return(host, "T-cleo-1", "R2", 1m));
        Assert.Equal(201, late.Status);
        Assert.Equal("clawed-back", (await ReferralOf(host, cleo)).Get<string>("status"));
        var annaBalance = await host.Get($"/members/{anna}/balance");
        Assert.Equal((0L, 300L), (annaBalance.Get<long>("available"), annaBalance.Get<long>("deficit")));
        Assert.Equal(0, await host.Available(cleo));
        var entry = (await host.Get($"/members/{anna}/ledger"))["entries"][0]!;
        Assert.Equal(
            ("referral-clawed-back", -200),
            (entry["type"]!.GetValue<string>(), entry["points"]!.GetValue<int>())
        );
        var figures = (await host.Get($"/members/{anna}/referral"))["figures"];
        Assert.Equal((2, 0L), (figures["failed"]!.GetValue<int>(), figures["pointsEarned"]!.GetValue<long>()));
    }

    [Fact]
    public async Task twenty_copies_of_the_enrollment_and_the_first_purchase_at_once_make_one_referral_paid_once()
    {
        await using var host = await Program();
        var anna = await Enroll(host, "Anna");
        var code = await CodeOf(host, anna);
        var enrollment = new
        {
            externalId = NewId("card"),
            name = "Ben",
            referralCode = code,
        };

        var enrolled = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.Post("/members", enrollment)));
        Assert.All(enrolled, e => Assert.Equal(201, e.Status));
        var ben = Assert.Single(enrolled.Select(e => e.Get<Guid>("id")).Distinct());
        var bought = await WithMessages(
            host,
            async () =>
            {
                var copies = Enumerable.Range(0, 20).Select(_ => host.Post("/purchases", Bought(ben, "T-ben-1", 30m)));
                return (await Task.WhenAll(copies))[0];
            }
        );
        Assert.Equal(201, bought.Status);
        _clock.Advance(Duration.FromDays(14));
        await Task.WhenAll(RunRewards(host), RunRewards(host));

        Assert.Equal(500, await host.Available(anna));
        Assert.Equal(30 + 250, await host.Available(ben));
        var made = await host.Get($"/program/referrals?referrer={anna}");
        Assert.Equal("rewarded", Assert.Single(made["referrals"].AsArray())!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_referrers_monthly_cap_holds_when_two_nodes_reward_at_once()
    {
        var first = await Program(monthlyCap: 2);
        var anna = await Enroll(first, "Anna");
        var code = await CodeOf(first, anna);
        var friends = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var friend = await Enroll(first, $"Friend{i}", code: code);
            await WithMessages(first, () => first.Post("/purchases", Bought(friend, $"T-{i}", 25m)));
            friends.Add(friend);
        }
        await using var second = await Restart();
        _clock.Advance(Duration.FromDays(14));

        var runs = await Task.WhenAll(RunRewards(first), RunRewards(second), RunRewards(first), RunRewards(second));

        Assert.Equal(6, runs.Sum(r => r.Rewarded));
        Assert.Equal(2 * 500, await first.Available(anna));
        foreach (var friend in friends)
            Assert.Equal(25 + 250, await first.Available(friend));
        var rewarded = (await first.Get($"/program/referrals?referrer={anna}&status=rewarded"))["referrals"].AsArray();
        Assert.Equal(6, rewarded.Count);
        Assert.Equal(
            4,
            rewarded.Count(r => r!["referrerWithheld"]?.GetValue<string>() == "the monthly cap of 2 is reached")
        );
        await first.DisposeAsync();
    }

    [Fact]
    public async Task a_vanity_code_works_beside_the_old_one_and_a_code_can_be_given_after_enrolling()
    {
        await using var host = await Program();
        var anna = await Enroll(host, "Anna");
        var generated = await CodeOf(host, anna);
        var vanity = await host.Put($"/members/{anna}/referral/code", new { code = "anna-2026" });
        Assert.Equal(
            ("ANNA2026", "https://shop.example/join?ref=ANNA2026"),
            (vanity.Get<string>("code"), vanity.Get<string>("shareLink"))
        );
        var bob = await Enroll(host, "Bob");
        Assert.Equal(
            (409, "code"),
            await Refusal(host.Put($"/members/{bob}/referral/code", new { code = "ANNA2026" }))
        );
        Assert.Equal((400, "code"), await Refusal(host.Put($"/members/{bob}/referral/code", new { code = generated })));

        var ben = await Enroll(host, "Ben", code: "ANNA2026");
        var cleo = await Enroll(host, "Cleo", code: generated);
        var dan = await Enroll(host, "Dan");
        var linked = await host.Post($"/members/{dan}/referrer", new { referralCode = "anna2026" });
        Assert.Equal((201, "referred"), (linked.Status, linked.Get<string>("status")));
        var again = await host.Post($"/members/{dan}/referrer", new { referralCode = "anna2026" });
        Assert.Equal(
            ("true", linked.Get<Guid>("referralId")),
            (again.Header("Idempotent-Replay"), again.Get<Guid>("referralId"))
        );
        Assert.Equal(
            (409, "referralCode"),
            await Refusal(host.Post($"/members/{dan}/referrer", new { referralCode = generated }))
        );
        Assert.Equal(
            (422, "referralCode"),
            await Refusal(host.Post($"/members/{anna}/referrer", new { referralCode = generated }))
        );
        await WithMessages(host, () => host.Post("/purchases", Bought(bob, "T-bob-1", 10m)));
        Assert.Equal(
            (422, "referralCode"),
            await Refusal(host.Post($"/members/{bob}/referrer", new { referralCode = generated }))
        );

        var figures = (await host.Get($"/members/{anna}/referral"))["figures"];
        Assert.Equal((3, 3), (figures["invited"]!.GetValue<int>(), figures["pending"]!.GetValue<int>()));
        foreach (var friend in new[] { ben, cleo, dan })
            Assert.Equal(anna, (await ReferralOf(host, friend)).Get<Guid>("referrerId"));
    }

    [Fact]
    public async Task the_monthly_report_counts_each_step_in_the_local_month_it_happened()
    {
        // 31 October 23:30 UTC is already 1 November in Amsterdam.
        _clock.Reset(Instant.FromUtc(2026, 10, 20, 12, 0));
        await using var host = await Program(monthlyCap: 1);
        var anna = await Enroll(host, "Anna");
        var code = await CodeOf(host, anna);
        var ben = await Enroll(host, "Ben", code: code);
        var cleo = await Enroll(host, "Cleo", code: code);
        await WithMessages(host, () => host.Post("/purchases", Bought(ben, "T-ben", 30m)));
        _clock.Advance(Duration.FromDays(1));
        await WithMessages(host, () => host.Post("/purchases", Bought(cleo, "T-cleo", 30m)));
        _clock.Reset(Instant.FromUtc(2026, 10, 31, 23, 30));
        await Enroll(host, "Dan", code: code);
        var annasEmail = (await host.Get($"/members/{anna}")).Get<string>("email");
        var self = await Enroll(host, "Anna", code: code, email: annasEmail);
        _clock.Reset(Instant.FromUtc(2026, 11, 3, 13, 0));
        await RunRewards(host); // Ben: 500 + 250
        _clock.Advance(Duration.FromDays(1));
        await RunRewards(host); // Cleo: Anna's cap of 1 a month withholds her share, 0 + 250
        await WithMessages(host, () => Return(host, "T-cleo", "R1", 1m));
        var selfId = (await ReferralOf(host, self)).Get<Guid>("referralId");
        await host.Post($"/program/referrals/{selfId}/review", new { decision = "reject", reason = "the same person" });

        var report = await host.Get("/program/referrals/report?from=2026-10&to=2026-11");

        Assert.Equal("Europe/Amsterdam", report.Get<string>("timeZone"));
        var months = report["months"].AsArray();
        string Row(int i) =>
            string.Join(
                ",",
                new[]
                {
                    "made",
                    "held",
                    "qualified",
                    "rewarded",
                    "failed",
                    "rejected",
                    "clawedBack",
                    "pointsGranted",
                    "pointsClawedBack",
                }.Select(f => months[i]![f]!.GetValue<long>())
            );
        Assert.Equal(["2026-10", "2026-11"], months.Select(m => m!["month"]!.GetValue<string>()));
        Assert.Equal("2,0,2,0,0,0,0,0,0", Row(0));
        // November: Dan and the self-referral made, the latter held and rejected; Ben (500 + 250) and Cleo (0 + 250)
        // rewarded; Cleo's 250 clawed back.
        Assert.Equal("2,1,0,2,0,1,1,1000,250", Row(1));
        var top = Assert.Single(report["topReferrers"].AsArray())!;
        Assert.Equal(
            (anna, 4, 2, 500L),
            (
                top["memberId"]!.GetValue<Guid>(),
                top["made"]!.GetValue<int>(),
                top["rewarded"]!.GetValue<int>(),
                top["pointsEarned"]!.GetValue<long>()
            )
        );
        Assert.Equal((400, "from"), await Refusal(host.Get("/program/referrals/report?from=2026-12&to=2026-11")));
        Assert.Equal((400, "to"), await Refusal(host.Get("/program/referrals/report?from=2020-01&to=2026-11")));
        Assert.Equal((400, "from"), await Refusal(host.Get("/program/referrals/report?from=October")));
        Assert.Equal((400, "status"), await Refusal(host.Get("/program/referrals?status=pending")));
    }

    [Fact]
    public async Task a_fast_referrer_is_held_a_friend_who_leaves_fails_and_kept_rewards_stay_after_a_return()
    {
        await using var host = await Program(onReturn: "keep", velocityLimit: 2);
        var anna = await Enroll(host, "Anna");
        var code = await CodeOf(host, anna);
        var friends = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            friends.Add(await Enroll(host, $"Friend{i}", code: code));
            _clock.Advance(Duration.FromMinutes(1));
        }

        Assert.Empty((await ReferralOf(host, friends[1]))["heldFor"].AsArray());
        Assert.Equal("velocity", (await ReferralOf(host, friends[2]))["heldFor"][0]!.GetValue<string>());

        await WithMessages(host, () => host.Post($"/members/{friends[1]}/closure", new { reason = "moved away" }));
        var left = await ReferralOf(host, friends[1]);
        Assert.Equal(
            ("failed", "the member left the program"),
            (left.Get<string>("status"), left.Get<string>("reason"))
        );

        await WithMessages(host, () => host.Post("/purchases", Bought(friends[0], "T-f0", 30m)));
        _clock.Advance(Duration.FromDays(14));
        Assert.Equal(new ReferralRewardRun(1, 1), await RunRewards(host));
        await WithMessages(host, () => Return(host, "T-f0", "R1", 1m));
        Assert.Equal("rewarded", (await ReferralOf(host, friends[0])).Get<string>("status"));
        Assert.Equal((500, 250), (await host.Available(anna), await host.Available(friends[0])));

        var first = await host.Get($"/program/referrals?referrer={anna}&limit=2");
        var rest = await host.Get(
            $"/program/referrals?referrer={anna}&limit=2&cursor={first.Get<string>("nextCursor")}"
        );
        var pages = first["referrals"]
            .AsArray()
            .Concat(rest["referrals"].AsArray())
            .Select(r => r!["referredId"]!.GetValue<Guid>());
        Assert.Equal(Enumerable.Reverse(friends), pages);
        Assert.Null(rest.Body!["nextCursor"]);
        Assert.Equal((400, "cursor"), await Refusal(host.Get("/program/referrals?cursor=x")));
    }

    private static Task<Answer> Return(IAlbaHost host, string transactionId, string returnId, decimal quantity) =>
        host.Post(
            $"/purchases/pos-1/{transactionId}/returns",
            new { returnId, lines = new[] { new { lineId = "1", quantity } } }
        );
}
