using Alba;
using Loyalty.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Campaigns;

/// <summary>Campaigns through the API, each test on a database of its own (campaigns are program-wide).</summary>
public class CampaignsTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);

    private Task<IAlbaHost> Program() =>
        app.StartHostAsync(
            new HostOptions(
                Clock: _clock,
                FreshDatabase: true,
                Settings: new Dictionary<string, string?> { ["Loyalty:Birthdays:Enabled"] = "false" }
            )
        );

    public static object DoubleOn(string sku, object? limits = null, long? budget = null) =>
        new
        {
            name = "Double points on " + sku,
            status = "active",
            trigger = new { kind = "purchase" },
            conditions = new { skus = new[] { sku } },
            effect = new { kind = "multiplier", multiplier = 2 },
            limits,
            budget,
        };

    public static object Bonus(
        string trigger,
        int points,
        object? conditions = null,
        object? limits = null,
        long? budget = null,
        string? engagementType = null
    ) =>
        new
        {
            name = $"{points} for {trigger}",
            status = "active",
            trigger = new { kind = trigger, engagementType },
            conditions,
            effect = new { kind = "points-per-purchase", points },
            limits,
            budget,
        };

    /// <summary>
    /// Two bags of coffee at 12.00 and a mug at 8.99: 32 points at the earn rate; bought now (a campaign never gives
    /// for what happened before it), or <paramref name="at"/>.
    /// </summary>
    public static object CoffeePurchase(
        Guid member,
        string transactionId,
        string sku = "COFFEE-1KG",
        Instant? at = null
    ) =>
        new
        {
            source = "pos-1",
            transactionId,
            memberId = member,
            storeId = "store-12",
            occurredAt = at ?? LoyaltyApp.Start,
            currency = "EUR",
            lines = new object[]
            {
                new
                {
                    lineId = "1",
                    sku,
                    category = "grocery",
                    quantity = 2,
                    unitPrice = 12.00m,
                },
                new
                {
                    lineId = "2",
                    sku = "MUG",
                    category = "home",
                    quantity = 1,
                    unitPrice = 8.99m,
                },
            },
        };

    [Fact]
    public async Task every_point_a_campaign_gives_names_the_campaign_its_version_and_effect()
    {
        await using var host = await Program();
        var set = await host.Put("/program/campaigns/summer-coffee", DoubleOn("COFFEE-1KG"));
        var member = await host.WithEnrolledMember();

        var bought = await host.Post("/purchases", CoffeePurchase(member, "T-1"));

        Assert.Equal((200, 1), (set.Status, set.Get<int>("version")));
        Assert.Equal(201, bought.Status);
        Assert.Equal(
            (32, 24, 56),
            (bought.Get<int>("pointsEarned"), bought.Get<int>("campaignPoints"), bought.Get<int>("totalPoints"))
        );
        var award = bought["campaigns"][0]!;
        Assert.Equal("summer-coffee v1: ×2 on COFFEE-1KG, +24", award["explanation"]!.GetValue<string>());
        var line = bought["lines"][0]!["campaigns"]![0]!;
        Assert.Equal(
            ("summer-coffee", 1, "multiplier", 24),
            (
                line["campaign"]!.GetValue<string>(),
                line["version"]!.GetValue<int>(),
                line["effect"]!.GetValue<string>(),
                line["points"]!.GetValue<int>()
            )
        );
        Assert.Equal(56, bought["balance"]["available"]!.GetValue<long>());

        var ledger = await host.Get($"/members/{member}/ledger");
        var entry = ledger["entries"].AsArray().Single(e => e!["type"]!.GetValue<string>() == "campaign")!;
        Assert.Equal("summer-coffee v1: ×2 on COFFEE-1KG, +24", entry["reason"]!.GetValue<string>());
        Assert.Equal(
            ("campaign", "pos-1/T-1"),
            (entry["reference"]!["kind"]!.GetValue<string>(), entry["reference"]!["id"]!.GetValue<string>())
        );
        Assert.Equal("campaign:summer-coffee/pos-1/T-1", entry["lots"]![0]!["lotId"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_change_is_a_new_version_pausing_is_an_event_and_a_stale_version_is_refused()
    {
        await using var host = await Program();
        var member = await host.WithEnrolledMember();
        await host.Put("/program/campaigns/tea", DoubleOn("TEA"));
        object Tea(int multiplier, string status = "active", int? expectedVersion = null) =>
            new
            {
                name = $"Tea ×{multiplier}",
                status,
                trigger = new { kind = "purchase" },
                conditions = new { skus = new[] { "TEA" } },
                effect = new { kind = "multiplier", multiplier },
                expectedVersion,
            };

        var changed = await host.Put("/program/campaigns/tea", Tea(3, expectedVersion: 1));
        var stale = await Refusal(host.Put("/program/campaigns/tea", Tea(4, expectedVersion: 1)));
        var paused = await host.Put("/program/campaigns/tea", Tea(3, "paused"));
        var whilePaused = await host.Post("/purchases", CoffeePurchase(member, "T-1", "TEA"));
        var again = await host.Put("/program/campaigns/tea", Tea(3, "paused"));

        Assert.Equal(2, changed.Get<int>("version"));
        Assert.Equal((412, "expectedVersion"), stale);
        Assert.Equal((3, "paused"), (paused.Get<int>("version"), paused["versions"][2]!["change"]!.GetValue<string>()));
        Assert.Equal(0, whilePaused.Get<int>("campaignPoints"));
        Assert.Equal(3, again.Get<int>("version")); // the same rules again change nothing
        var list = await host.Get("/program/campaigns?status=paused");
        Assert.Equal(["tea"], list["campaigns"].AsArray().Select(c => c!["code"]!.GetValue<string>()));
        Assert.Empty((await host.Get("/program/campaigns?status=active"))["campaigns"].AsArray());

        await LoyaltyApp.CatchUp(host);
        var audit = await host.Get("/audit?kind=campaign-paused");
        Assert.Contains("campaign tea v3 paused", audit.Body!.ToJsonString());
    }

    /// <summary>A purchase campaign with five points a purchase, or what is given instead.</summary>
    private static object Changed(
        object? trigger = null,
        object? effect = null,
        object? conditions = null,
        object? limits = null,
        long? budget = null,
        string? from = null,
        string? until = null
    ) =>
        new
        {
            name = "x",
            status = "active",
            trigger = trigger ?? new { kind = "purchase" },
            effect = effect ?? new { kind = "points-per-purchase", points = 5 },
            conditions,
            limits,
            budget,
            from,
            until,
        };

    public static TheoryData<object, int, string> BadCampaigns =>
        new()
        {
            { Changed(conditions: new { skus = Array.Empty<string>() }), 422, "conditions.skus" },
            { Changed(effect: new { kind = "multiplier", multiplier = 20 }), 422, "effect.multiplier" },
            { Changed(budget: -1), 422, "budget" },
            { Changed(until: "2026-01-01T00:00:00Z"), 422, "until" },
            { Changed(from: "2026-01-01T00:00:00Z"), 422, "from" },
            { Changed(trigger: new { kind = "sign-in" }), 400, "trigger.kind" },
            {
                Changed(
                    trigger: new { kind = "engagement", engagementType = "share" },
                    effect: new { kind = "points-per-line", points = 5 }
                ),
                422,
                "effect.kind"
            },
            { Changed(conditions: new { daysOfWeek = new[] { "funday" } }), 400, "conditions.daysOfWeek[0]" },
            { Changed(limits: new[] { new { period = "day", times = 0 } }), 422, "limits[0].times" },
        };

    [Theory]
    [MemberData(nameof(BadCampaigns))]
    public async Task a_campaign_that_could_never_work_is_refused_naming_the_field_and_nothing_is_recorded(
        object campaign,
        int status,
        string field
    )
    {
        var host = app.Host;
        var code = NewId("bad").ToLowerInvariant();

        Assert.Equal((status, field), await Refusal(host.Put($"/program/campaigns/{code}", campaign)));
        Assert.Equal(404, (await host.Get($"/program/campaigns/{code}")).Status);
    }

    [Fact]
    public async Task two_active_exclusive_campaigns_of_equal_priority_on_the_same_trigger_are_refused()
    {
        await using var host = await Program();
        var exclusive = new
        {
            name = "x",
            status = "active",
            trigger = new { kind = "purchase" },
            effect = new { kind = "points-per-purchase", points = 5 },
            exclusive = true,
            priority = 7,
        };
        await host.Put("/program/campaigns/first-exclusive", exclusive);

        Assert.Equal((422, "priority"), await Refusal(host.Put("/program/campaigns/second-exclusive", exclusive)));
    }

    [Fact]
    public async Task the_budget_is_never_exceeded_by_64_concurrent_purchases_and_a_return_gives_it_back()
    {
        await using var host = await Program();
        await host.Put(
            "/program/campaigns/launch",
            Bonus("purchase", 10, new { skus = new[] { "LAUNCH" } }, budget: 205)
        );
        var members = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => host.WithEnrolledMember()));

        var bought = await Task.WhenAll(
            members.Select((m, i) => host.Post("/purchases", CoffeePurchase(m, $"T-{i}", "LAUNCH")))
        );

        Assert.All(bought, b => Assert.Equal(201, b.Status));
        var given = bought.Sum(b => b.Get<int>("campaignPoints"));
        Assert.Equal(205, given); // twenty awards of 10, then the 5 left
        var campaign = await host.Get("/program/campaigns/launch");
        Assert.Equal((205, 0), (campaign.Get<long>("budgetUsed"), campaign.Get<long>("budgetLeft")));
        Assert.Contains(
            bought,
            b => b["withheld"].AsArray().Any(w => w!["reason"]!.GetValue<string>() == "the campaign's budget is spent")
        );

        var rewarded = bought.First(b => b.Get<int>("campaignPoints") == 10);
        var returned = await host.Post(
            $"/purchases/pos-1/{rewarded.Get<string>("transactionId")}/returns",
            new
            {
                returnId = "R-1",
                lines = new[] { new { lineId = "1", quantity = 2 }, new { lineId = "2", quantity = 1 } },
            }
        );

        Assert.Equal(201, returned.Status);
        Assert.Equal(
            (10, true),
            (
                returned["campaigns"][0]!["points"]!.GetValue<int>(),
                returned["campaigns"][0]!["withdrawn"]!.GetValue<bool>()
            )
        );
        Assert.Equal(10, (await host.Get("/program/campaigns/launch")).Get<long>("budgetLeft"));
    }

    [Fact]
    public async Task an_award_larger_than_a_slice_of_the_budget_is_taken_from_several_and_the_last_is_cut_down()
    {
        await using var host = await Program();
        // 1,000 points in eight slices of 125: an award of 300 needs three of them
        await host.Put("/program/campaigns/big", Bonus("purchase", 300, new { skus = new[] { "BIG" } }, budget: 1000));
        var member = await host.WithEnrolledMember();

        var given = new List<int>();
        for (var i = 0; i < 5; i++)
            given.Add(
                (await host.Post("/purchases", CoffeePurchase(member, $"T-{i}", "BIG"))).Get<int>("campaignPoints")
            );

        Assert.Equal([300, 300, 300, 100, 0], given);
        Assert.Equal(0, (await host.Get("/program/campaigns/big")).Get<long>("budgetLeft"));
    }

    [Fact]
    public async Task a_return_reverses_campaign_points_line_by_line_and_withdraws_a_bonus_whose_minimum_is_lost()
    {
        await using var host = await Program();
        await host.Put("/program/campaigns/coffee", DoubleOn("COFFEE-1KG"));
        await host.Put(
            "/program/campaigns/big-basket",
            Bonus("purchase", 100, new { minimumAmount = 30, minimumOnPurchase = true })
        );
        var member = await host.WithEnrolledMember();
        var bought = await host.Post("/purchases", CoffeePurchase(member, "T-1"));

        var oneBag = await host.Post(
            "/purchases/pos-1/T-1/returns",
            new { returnId = "R-1", lines = new[] { new { lineId = "1", quantity = 1 } } }
        );

        Assert.Equal(124, bought.Get<int>("campaignPoints"));
        var reversed = oneBag["campaigns"]
            .AsArray()
            .ToDictionary(
                c => c!["campaign"]!.GetValue<string>(),
                c => (c!["points"]!.GetValue<int>(), c["withdrawn"]!.GetValue<bool>())
            );
        Assert.Equal((12, false), reversed["coffee"]); // half of the coffee's 24
        Assert.Equal((100, true), reversed["big-basket"]); // 20.99 left of the 30.00 it asked for
        Assert.Equal(56 + 100 - 12 - 12 - 100, oneBag["balance"]["available"]!.GetValue<long>());
    }

    [Fact]
    public async Task engagements_earn_under_their_limits_and_say_when_a_limit_stops_them()
    {
        await using var host = await Program();
        await host.Put(
            "/program/campaigns/daily-sign-in",
            Bonus("engagement", 5, limits: new[] { new { period = "day", times = 1 } }, engagementType: "sign-in")
        );
        var member = await host.WithEnrolledMember();
        object SignIn(string id) =>
            new
            {
                eventId = id,
                type = "sign-in",
                occurredAt = LoyaltyApp.Start,
            };

        var first = await host.Post($"/members/{member}/engagements", SignIn("E-1"));
        var retry = await host.Post($"/members/{member}/engagements", SignIn("E-1"));
        var second = await host.Post($"/members/{member}/engagements", SignIn("E-2"));
        var unknown = await host.Post(
            $"/members/{member}/engagements",
            new
            {
                eventId = "E-3",
                type = "quiz-answered",
                occurredAt = LoyaltyApp.Start,
                attributes = new { quiz = "q1" },
            }
        );
        var tooMany = await Refusal(
            host.Post(
                $"/members/{member}/engagements",
                new
                {
                    eventId = "E-4",
                    type = "share",
                    occurredAt = Earlier,
                    attributes = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", i => "v"),
                }
            )
        );

        Assert.Equal((201, 5), (first.Status, first.Get<int>("points")));
        Assert.Equal(
            ("true", first.Body!.ToJsonString()),
            (retry.Header("Idempotent-Replay"), retry.Body!.ToJsonString())
        );
        Assert.Equal(0, second.Get<int>("points"));
        Assert.Equal("limit reached: 1 time a day", second["withheld"][0]!["reason"]!.GetValue<string>());
        Assert.Equal((201, 0), (unknown.Status, unknown.Get<int>("points")));
        Assert.Equal((400, "attributes"), tooMany);
        Assert.Equal(5, await host.Available(member));
    }

    [Fact]
    public async Task members_send_their_own_sign_ins_only_where_the_program_allows_it()
    {
        await using var host = await Program();
        var card = NewId("card");
        var member = await host.WithEnrolledMember(card);
        var token = Http.WithToken(Tokens.ForMember(card));
        object Engagement(string id, string type, Instant? at = null) =>
            new
            {
                eventId = id,
                type,
                occurredAt = at ?? LoyaltyApp.Start,
            };

        var notAllowed = await host.Post($"/members/{member}/engagements", Engagement("E-1", "sign-in"), token);
        var settings = (await host.Get("/program/settings")).Body!.AsObject();
        settings["membersMaySendEngagements"] = true;
        Assert.Equal(200, (await host.Put("/program/settings", settings)).Status);
        var allowed = await host.Post($"/members/{member}/engagements", Engagement("E-2", "sign-in"), token);
        var review = await host.Post($"/members/{member}/engagements", Engagement("E-3", "review"), token);
        var yesterday = await host.Post(
            $"/members/{member}/engagements",
            Engagement("E-4", "sign-in", LoyaltyApp.Start - Duration.FromDays(1)),
            token
        );

        Assert.Equal(403, notAllowed.Status);
        Assert.Equal(201, allowed.Status);
        Assert.Equal((403, "type"), (review.Status, review.Field));
        Assert.Equal((400, "occurredAt"), (yesterday.Status, yesterday.Field)); // sent as it happens
    }

    [Fact]
    public async Task welcome_and_first_purchase_bonuses_come_with_the_enrolment_and_the_purchase()
    {
        await using var host = await Program();
        await host.Put("/program/campaigns/welcome", Bonus("enrollment", 100));
        await host.Put("/program/campaigns/first-buy", Bonus("first-purchase", 50));
        var member = await host.WithEnrolledMember();

        var welcomed = await host.Available(member);
        var first = await host.Post("/purchases", CoffeePurchase(member, "T-1"));
        var second = await host.Post("/purchases", CoffeePurchase(member, "T-2"));

        Assert.Equal(100, welcomed);
        Assert.Equal(50, first.Get<int>("campaignPoints"));
        Assert.Equal(0, second.Get<int>("campaignPoints"));
        Assert.Equal(100 + 32 + 50 + 32, await host.Available(member));
    }

    [Fact]
    public async Task a_quote_answers_what_the_purchase_then_earns_and_records_nothing()
    {
        await using var host = await Program();
        await host.Put("/program/campaigns/coffee", DoubleOn("COFFEE-1KG"));
        await host.Put(
            "/program/campaigns/per-line",
            new
            {
                name = "a point a line",
                status = "active",
                trigger = new { kind = "purchase" },
                effect = new { kind = "points-per-line", points = 1 },
            }
        );
        var member = await host.WithEnrolledMember();
        var version = await host.StreamVersion(member);

        var quote = await host.Post("/purchases/quote", CoffeePurchase(member, "T-1"));
        var unchanged = await host.StreamVersion(member);
        var bought = await host.Post("/purchases", CoffeePurchase(member, "T-1"));

        Assert.Equal((200, version), (quote.Status, unchanged));
        Assert.Equal(58, quote.Get<int>("totalPoints")); // 32 + 24 + 2
        foreach (var part in new[] { "lines", "campaigns", "totalPoints", "pointsEarned", "campaignPoints" })
            Assert.Equal(quote[part].ToJsonString(), bought[part].ToJsonString());
    }

    [Fact]
    public async Task a_simulation_replays_a_draft_over_past_purchases_within_limits_and_budget_recording_nothing()
    {
        await using var host = await Program();
        var (ada, bob) = (await host.WithEnrolledMember(), await host.WithEnrolledMember());
        foreach (var (member, id) in new[] { (ada, "T-1"), (ada, "T-2"), (bob, "T-3") })
            Assert.Equal(201, (await host.Post("/purchases", CoffeePurchase(member, id, at: Earlier))).Status);
        var draft = DoubleOn("COFFEE-1KG", limits: new[] { new { period = "day", times = 1 } }, budget: 30);

        var simulated = await host.Post(
            "/program/campaigns/coffee-draft/simulate",
            new
            {
                from = Earlier - Duration.FromDays(1),
                until = LoyaltyApp.Start,
                campaign = draft,
            }
        );

        Assert.Equal(200, simulated.Status);
        Assert.Equal(
            (3, 2, 2, 30L),
            (
                simulated.Get<int>("occasions"),
                simulated.Get<int>("members"),
                simulated.Get<int>("awards"),
                simulated.Get<long>("points")
            )
        );
        // Ada's first coffee: 24; her second: the day's limit; Bob's: the 6 left of the budget
        Assert.Equal(1, simulated["withheld"]["limit reached: 1 time a day"]!.GetValue<int>());
        Assert.Equal(404, (await host.Get("/program/campaigns/coffee-draft")).Status);
        var future = new
        {
            from = Earlier,
            until = LoyaltyApp.Start + Duration.FromDays(1),
            campaign = draft,
        };
        Assert.Equal((400, "until"), await Refusal(host.Post("/program/campaigns/coffee-draft/simulate", future)));
        var unknown = new { from = Earlier, until = LoyaltyApp.Start };
        Assert.Equal((404, "code"), await Refusal(host.Post("/program/campaigns/no-such/simulate", unknown)));
        Assert.Equal(32 * 2, await host.Available(ada));
    }

    [Fact]
    public async Task birthday_gifts_come_once_in_each_members_own_zone_across_a_daylight_saving_change_and_a_restart()
    {
        // Europe moves its clocks on 28 March 2027 at 01:00 UTC; New York did on 14 March.
        _clock.Reset(Instant.FromUtc(2027, 3, 27, 12, 0));
        var database = await app.CreateDatabaseAsync();
        var options = new HostOptions(
            Clock: _clock,
            ConnectionString: database,
            Settings: new Dictionary<string, string?> { ["Loyalty:Birthdays:Enabled"] = "false" }
        );
        var host = await app.StartHostAsync(options);
        await host.Put("/program/campaigns/birthday", Bonus("birthday", 30));
        var amsterdam = await Enroll(host, "Europe/Amsterdam");
        var newYork = await Enroll(host, "America/New_York");

        var before = await RunBirthdays(host, Instant.FromUtc(2027, 3, 27, 22, 30)); // 23:30 in Amsterdam
        var amsterdamMidnight = await RunBirthdays(host, Instant.FromUtc(2027, 3, 27, 23, 30)); // 00:30 there
        var afterTheChange = await RunBirthdays(host, Instant.FromUtc(2027, 3, 28, 2, 0)); // 04:00 summer time
        await host.DisposeAsync();
        host = await app.StartHostAsync(options);
        var newYorkMidnight = await RunBirthdays(host, Instant.FromUtc(2027, 3, 28, 4, 30)); // 00:30 there
        var again = await RunBirthdays(host, Instant.FromUtc(2027, 3, 28, 12, 0));

        Assert.Equal([0, 1, 0, 1, 0], new[] { before, amsterdamMidnight, afterTheChange, newYorkMidnight, again });
        Assert.Equal((30, 30), (await host.Available(amsterdam), await host.Available(newYork)));
        var ledger = await host.Get($"/members/{newYork}/ledger");
        Assert.Equal("birthday v1: +30 for the birthday of 2027", ledger["entries"][0]!["reason"]!.GetValue<string>());
        await host.DisposeAsync();
    }

    private static async Task<Guid> Enroll(IAlbaHost host, string zone)
    {
        var answer = await host.Post(
            "/members",
            new
            {
                externalId = NewId("card"),
                name = "Ada",
                birthday = "1990-03-28",
                timeZone = zone,
            }
        );
        Assert.Equal(201, answer.Status);
        return answer.Get<Guid>("id");
    }

    /// <summary>Runs the birthday job at <paramref name="at"/>; how many members it gave to.</summary>
    private async Task<int> RunBirthdays(IAlbaHost host, Instant at)
    {
        _clock.Reset(at);
        var job = host.Services.GetRequiredService<Loyalty.Api.Campaigns.BirthdayJob>();
        return (await job.RunAsync(CancellationToken.None)).Members;
    }
}
