using Alba;
using Loyalty.Api.Tests.Infrastructure;
using Loyalty.Api.Tiers;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Tiers;

/// <summary>
/// Tier rules, standings and reviews, on a database and clock of each test's own, with the jobs run by the test.
/// </summary>
public class TiersTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);

    public static object Rules(
        string window = "rolling-12-months",
        string review = "anniversary",
        string drop = "one-tier",
        int graceDays = 0,
        decimal silver = 1000,
        decimal gold = 2500
    ) =>
        new
        {
            metric = "qualifying-points",
            window,
            review,
            drop,
            graceDays,
            tiers = new object[]
            {
                new
                {
                    code = "bronze",
                    name = "Bronze",
                    threshold = 0,
                },
                new
                {
                    code = "silver",
                    name = "Silver",
                    threshold = silver,
                    earnMultiplier = 1.25m,
                    benefits = new[] { "free shipping" },
                },
                new
                {
                    code = "gold",
                    name = "Gold",
                    threshold = gold,
                    earnMultiplier = 1.5m,
                    benefits = new[] { "free shipping", "birthday gift" },
                },
                new
                {
                    code = "platinum",
                    name = "Platinum",
                    threshold = 5000,
                    earnMultiplier = 2,
                    benefits = new[] { "lounge" },
                },
            },
        };

    /// <summary>
    /// The service on a fresh database and this test's clock, with tier rules in force and the schedulers off.
    /// </summary>
    public static async Task<IAlbaHost> ProgramWithTiers(LoyaltyApp app, IClock clock, object? rules = null)
    {
        var host = await app.StartHostAsync(
            new HostOptions(
                Clock: clock,
                FreshDatabase: true,
                Settings: new Dictionary<string, string?>
                {
                    ["Loyalty:Expiry:Enabled"] = "false",
                    ["Loyalty:Standing:Enabled"] = "false",
                }
            )
        );
        var changed = await host.Put("/program/tiers", rules ?? Rules());
        Assert.Equal(200, changed.Status);
        return host;
    }

    public static async Task<Answer> Buy(
        IAlbaHost host,
        IClock clock,
        Guid member,
        string transactionId,
        decimal amount
    )
    {
        var bought = await host.Post(
            "/purchases",
            new
            {
                source = "pos-1",
                transactionId,
                memberId = member,
                storeId = "store-12",
                occurredAt = clock.GetCurrentInstant(),
                currency = "EUR",
                lines = new[] { Line("1", 1, amount) },
            }
        );
        Assert.Equal(201, bought.Status);
        return bought;
    }

    private Instant Local(int year, int month, int day, int hour = 0) =>
        DateTimeZoneProviders
            .Tzdb["Europe/Amsterdam"]
            .AtStrictly(new LocalDateTime(year, month, day, hour, 0))
            .ToInstant();

    [Fact]
    public async Task a_purchase_upgrades_the_member_and_the_next_earning_shows_the_tier_multiplier_per_line()
    {
        await using var host = await ProgramWithTiers(app, _clock);
        var member = await host.WithEnrolledMember();

        var first = await Buy(host, _clock, member, "T1", 3000);
        Assert.Equal(
            ("bronze", "gold"),
            (first["tierUpgrade"]["from"]!.GetValue<string>(), first["tierUpgrade"]["to"]!.GetValue<string>())
        );

        var second = await Buy(host, _clock, member, "T2", 100);
        Assert.Equal(
            (100, 150, 1.5m),
            (second.Get<int>("basePoints"), second.Get<int>("pointsEarned"), second.Get<decimal>("multiplier"))
        );
        Assert.Equal("""[{"kind":"tier","code":"gold","factor":1.5}]""", second["multipliers"].ToJsonString());
        Assert.Equal(
            (100, 150),
            (second["lines"][0]!["basePoints"]!.GetValue<int>(), second["lines"][0]!["points"]!.GetValue<int>())
        );

        var tier = await host.Get($"/members/{member}/tier");
        Assert.Equal(200, tier.Status);
        Assert.Equal(("gold", "earned"), (tier["tier"]["code"]!.GetValue<string>(), tier.Get<string>("source")));
        Assert.Equal(Local(2027, 11, 24).ToString(), tier.Get<string>("validUntil"));
        // qualifying points are base points: 3,000 + 100
        Assert.Equal(3100, tier["metric"]["value"]!.GetValue<decimal>());
        Assert.Equal(
            ("platinum", 1900m),
            (tier["nextTier"]["code"]!.GetValue<string>(), tier["nextTier"]["missing"]!.GetValue<decimal>())
        );
        Assert.Equal(0.62m, tier.Get<decimal>("progress"));
        Assert.Equal("""["free shipping","birthday gift"]""", tier["tier"]["benefits"]!.ToJsonString());
        Assert.Equal("upgraded", Assert.Single(tier["history"].AsArray())!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_standing_as_of_a_past_moment_is_what_it_was_then()
    {
        await using var host = await ProgramWithTiers(app, _clock);
        var member = await host.WithEnrolledMember();
        _clock.Advance(Duration.FromMinutes(5));
        await Buy(host, _clock, member, "T1", 1200);
        var silverAt = _clock.GetCurrentInstant();
        _clock.AdvanceDays(10);
        await Buy(host, _clock, member, "T2", 1500);

        var then = await host.Get($"/members/{member}/tier?asOf={silverAt + Duration.FromMinutes(1)}");
        Assert.Equal(
            ("silver", 1200m),
            (then["tier"]["code"]!.GetValue<string>(), then["metric"]["value"]!.GetValue<decimal>())
        );
        Assert.Single(then["history"].AsArray());

        var byDate = await host.Get($"/members/{member}/tier?asOf=2026-11-30");
        Assert.Equal("silver", byDate["tier"]["code"]!.GetValue<string>());
        var now = await host.Get($"/members/{member}/tier?asOf=2026-12-04"); // today: as of now
        Assert.Equal(
            ("gold", 2700m),
            (now["tier"]["code"]!.GetValue<string>(), now["metric"]["value"]!.GetValue<decimal>())
        );
        var before = await host.Get($"/members/{member}/tier?asOf={silverAt - Duration.FromMinutes(1)}");
        Assert.Equal("bronze", before["tier"]["code"]!.GetValue<string>());
        Assert.Null(
            (await host.Get($"/members/{member}/tier?asOf={LoyaltyApp.Start - Duration.FromDays(1)}")).Body!["tier"]
        ); // before the program had tiers

        Assert.Equal(
            (400, "asOf"),
            (
                (await host.Get($"/members/{member}/tier?asOf=2030-01-01")).Status,
                (await host.Get($"/members/{member}/tier?asOf=2030-01-01")).Field
            )
        );
        Assert.Equal(400, (await host.Get($"/members/{member}/tier?asOf=yesterday")).Status);
        Assert.Equal(404, (await host.Get($"/members/{Guid.NewGuid()}/tier?asOf=2026-11-24")).Status);
    }

    [Fact]
    public async Task a_review_is_recorded_once_at_its_moment_when_the_job_runs_and_the_report_counts_it()
    {
        await using var host = await ProgramWithTiers(
            app,
            _clock,
            Rules("calendar-year", "end-of-year-after", "to-qualified")
        );
        var member = await host.WithEnrolledMember();
        await Buy(host, _clock, member, "T1", 3000);
        var job = host.Services.GetRequiredService<StandingJob>();
        Assert.Equal(new StandingRun(0, 0), await job.RunAsync(CancellationToken.None)); // nothing due yet

        _clock.Reset(Local(2028, 1, 1, 3));
        Assert.Equal(new StandingRun(1, 1), await job.RunAsync(CancellationToken.None));
        Assert.Equal(new StandingRun(0, 0), await job.RunAsync(CancellationToken.None)); // run twice: recorded once

        var tier = await host.Get($"/members/{member}/tier");
        Assert.Equal("bronze", tier["tier"]["code"]!.GetValue<string>());
        var dropped = tier["history"][1]!;
        Assert.Equal(
            ("downgraded", "gold", "bronze", Local(2028, 1, 1).ToString()),
            (
                dropped["kind"]!.GetValue<string>(),
                dropped["from"]!.GetValue<string>(),
                dropped["to"]!.GetValue<string>(),
                dropped["at"]!.GetValue<string>()
            )
        );
        var gold = await host.Get($"/members/{member}/tier?asOf=2027-12-31");
        Assert.Equal("gold", gold["tier"]["code"]!.GetValue<string>());

        var report = await host.Get("/program/tiers/report");
        Assert.Equal(
            """[{"month":"2028-01","upgrades":0,"downgrades":1},{"month":"2026-11","upgrades":1,"downgrades":0}]""",
            report["months"].ToJsonString()
        );
        Assert.Equal(
            1,
            report["members"].AsArray().Single(c => c!["tier"]?.GetValue<string>() == "bronze")![
                "members"
            ]!.GetValue<int>()
        );
    }

    [Fact]
    public async Task an_assigned_tier_is_a_floor_until_its_end_and_assignments_are_idempotent()
    {
        await using var host = await ProgramWithTiers(app, _clock);
        var member = await host.WithEnrolledMember();
        await Buy(host, _clock, member, "T1", 1200);
        var until = _clock.GetCurrentInstant() + Duration.FromDays(30);
        var assignment = new
        {
            assignmentId = "A1",
            tier = "platinum",
            reason = "brand ambassador",
            until,
        };

        var assigned = await host.Post($"/members/{member}/tier/assignments", assignment);
        Assert.Equal(201, assigned.Status);
        Assert.Equal(
            ("platinum", "assigned"),
            (
                assigned["standing"]["tier"]["code"]!.GetValue<string>(),
                assigned["standing"].AsObject()["source"]!.GetValue<string>()
            )
        );
        var again = await host.Post($"/members/{member}/tier/assignments", assignment);
        Assert.Equal((201, "true"), (again.Status, again.Header("Idempotent-Replay")));
        Assert.Equal(
            409,
            (await host.Post($"/members/{member}/tier/assignments", assignment with { tier = "gold" })).Status
        );
        Assert.Equal(
            (422, "tier"),
            await Refusal(
                host.Post(
                    $"/members/{member}/tier/assignments",
                    new
                    {
                        assignmentId = "A2",
                        tier = "diamond",
                        reason = "x",
                        until,
                    }
                )
            )
        );
        Assert.Equal(
            (400, "until"),
            await Refusal(
                host.Post(
                    $"/members/{member}/tier/assignments",
                    new
                    {
                        assignmentId = "A3",
                        tier = "gold",
                        reason = "x",
                    }
                )
            )
        );
        Assert.Equal(
            (404, "memberId"),
            await Refusal(host.Post($"/members/{Guid.NewGuid()}/tier/assignments", assignment))
        );

        await LoyaltyApp.CatchUp(host);
        var audit = (await host.Get("/audit"))["entries"]
            .AsArray()
            .Select(e => e!["kind"]!.GetValue<string>())
            .ToArray();
        // admin actions: who gave whom which tier, and the rules
        Assert.Equal(["tier-assigned", "tier-rules-changed"], audit[..2]);

        // ×2 while assigned platinum
        Assert.Equal(200, (await Buy(host, _clock, member, "T2", 100)).Get<int>("pointsEarned"));
        _clock.Reset(until);
        Assert.Equal("silver", (await host.Get($"/members/{member}/tier"))["tier"]["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_preview_says_who_would_move_if_new_rules_applied_now()
    {
        await using var host = await ProgramWithTiers(app, _clock);
        foreach (var amount in new[] { 600m, 1200m, 3000m })
            await Buy(host, _clock, await host.WithEnrolledMember(), NewId("T"), amount);

        var preview = await host.Post("/program/tiers/preview", Rules(silver: 500, gold: 3500));

        Assert.Equal(200, preview.Status);
        Assert.Equal(
            (3, 1, 1, 1),
            (
                preview.Get<int>("members"),
                preview.Get<int>("wouldUpgrade"),
                preview.Get<int>("wouldDropAtReview"),
                preview.Get<int>("unchanged")
            )
        );
        Assert.Equal(
            """[{"tier":"bronze","members":1},{"tier":"silver","members":1},"""
                + """{"tier":"gold","members":1},{"tier":"platinum","members":0}]""",
            preview["now"].ToJsonString()
        );
        Assert.Equal(
            """[{"tier":"bronze","members":0},{"tier":"silver","members":2},"""
                + """{"tier":"gold","members":1},{"tier":"platinum","members":0}]""",
            preview["proposed"].ToJsonString()
        );
        Assert.Equal(2, (await host.Get("/program/tiers")).Get<int>("ruleVersion")); // a preview changes nothing
    }

    [Fact]
    public async Task new_rules_take_effect_from_their_date_and_bad_rules_are_refused_naming_the_field()
    {
        await using var host = await ProgramWithTiers(app, _clock);
        var member = await host.WithEnrolledMember();
        var changed = await host.Put(
            "/program/tiers",
            new
            {
                metric = "qualifying-points",
                window = "rolling-12-months",
                review = "anniversary",
                drop = "one-tier",
                tiers = ((dynamic)Rules(silver: 500)).tiers,
                effectiveFrom = _clock.GetCurrentInstant() + Duration.FromDays(7),
            }
        );
        Assert.Equal(200, changed.Status);
        Assert.Equal((3, 2), (changed.Get<int>("ruleVersion"), changed["current"]["ruleVersion"]!.GetValue<int>()));

        Assert.Null((await Buy(host, _clock, member, "T1", 600)).Body!["tierUpgrade"]);
        _clock.AdvanceDays(8);
        Assert.Equal("silver", (await Buy(host, _clock, member, "T2", 1))["tierUpgrade"]["to"]!.GetValue<string>());

        Assert.Equal(
            (400, "tiers[2].threshold"),
            await Refusal(host.Put("/program/tiers", Rules(silver: 1000, gold: 900)))
        );
        Assert.Equal((400, "metric"), await Refusal(host.Put("/program/tiers", new { window = "calendar-year" })));
        Assert.Equal(
            (400, "effectiveFrom"),
            await Refusal(
                host.Put(
                    "/program/tiers",
                    new
                    {
                        metric = "purchases",
                        window = "calendar-year",
                        review = "anniversary",
                        drop = "one-tier",
                        tiers = new[]
                        {
                            new
                            {
                                code = "bronze",
                                name = "B",
                                threshold = 0,
                            },
                        },
                        effectiveFrom = LoyaltyApp.Start,
                    }
                )
            )
        );
        Assert.Equal(
            (422, "tiers"),
            await Refusal(
                host.Put(
                    "/program/tiers",
                    new
                    {
                        metric = "purchases",
                        window = "calendar-year",
                        review = "anniversary",
                        drop = "one-tier",
                        tiers = new[]
                        {
                            new
                            {
                                code = "bronze",
                                name = "B",
                                threshold = 0,
                            },
                        },
                    }
                )
            )
        );
        Assert.Equal(
            (412, "expectedRuleVersion"),
            await Refusal(
                host.Put(
                    "/program/tiers",
                    new
                    {
                        metric = "qualifying-points",
                        window = "rolling-12-months",
                        review = "anniversary",
                        drop = "one-tier",
                        tiers = ((dynamic)Rules()).tiers,
                        expectedRuleVersion = 1,
                    }
                )
            )
        );
    }
}
