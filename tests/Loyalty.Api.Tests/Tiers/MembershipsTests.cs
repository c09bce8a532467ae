using Alba;
using Loyalty.Api.Tests.Infrastructure;
using Loyalty.Api.Tiers;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Tiers;

/// <summary>A paid plan reported by the billing system, on a database and clock of each test's own.</summary>
public class MembershipsTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);

    private async Task<IAlbaHost> ProgramWithPlus()
    {
        var host = await TiersTests.ProgramWithTiers(app, _clock);
        var plans = await host.Put(
            "/program/membership-plans",
            new
            {
                graceDays = 7,
                plans = new[]
                {
                    new
                    {
                        code = "plus",
                        name = "Plus",
                        price = 9.99m,
                        currency = "EUR",
                        period = "monthly",
                        earnMultiplier = 2m,
                        minimumTier = "silver",
                        bonusPoints = 500,
                        benefits = new[] { "free returns" },
                    },
                },
            }
        );
        Assert.Equal(200, plans.Status);
        return host;
    }

    private static Instant Local(int year, int month, int day) =>
        DateTimeZoneProviders.Tzdb["Europe/Amsterdam"].AtStartOfDay(new LocalDate(year, month, day)).ToInstant();

    [Fact]
    public async Task a_purchased_membership_credits_its_bonus_once_gives_its_benefits_and_ends_once_when_not_renewed()
    {
        await using var host = await ProgramWithPlus();
        var member = await host.WithEnrolledMember();

        var bought = await host.Post(
            $"/members/{member}/membership/purchased",
            new { paymentReference = "pay-1", plan = "plus" }
        );
        Assert.Equal(201, bought.Status);
        Assert.Equal(("active", "2026-12-24"), (bought.Get<string>("status"), bought.Get<string>("renewalDate")));
        Assert.Equal(Local(2026, 12, 24).ToString(), bought["currentPeriod"]["end"]!.GetValue<string>());
        var replay = await host.Post(
            $"/members/{member}/membership/purchased",
            new { paymentReference = "pay-1", plan = "plus" }
        );
        Assert.Equal("true", replay.Header("Idempotent-Replay"));
        Assert.Equal(
            409,
            (await host.Post($"/members/{member}/membership/renewed", new { paymentReference = "pay-1" })).Status
        );
        Assert.Equal(500, await host.Available(member)); // the bonus, once

        var tier = await host.Get($"/members/{member}/tier");
        Assert.Equal(("silver", "membership"), (tier["tier"]["code"]!.GetValue<string>(), tier.Get<string>("source")));
        var earned = await TiersTests.Buy(host, _clock, member, "T1", 100);
        Assert.Equal(225, earned.Get<int>("pointsEarned")); // ×(1 + 0.25 silver + 1 plus): multipliers add
        Assert.Equal(
            """[{"kind":"tier","code":"silver","factor":1.25},{"kind":"membership","code":"plus","factor":2}]""",
            earned["multipliers"].ToJsonString()
        );

        var job = host.Services.GetRequiredService<StandingJob>();
        _clock.Reset(Local(2026, 12, 24) + Duration.FromMinutes(1));
        Assert.Equal(new StandingRun(1, 1), await job.RunAsync(CancellationToken.None));
        Assert.Equal(new StandingRun(0, 0), await job.RunAsync(CancellationToken.None)); // run twice: ended once

        var membership = await host.Get($"/members/{member}/membership");
        Assert.Equal(
            ("ended", Local(2026, 12, 24).ToString()),
            (membership.Get<string>("status"), membership.Get<string>("endedAt"))
        );
        Assert.Equal(
            """["purchased","ended-expired"]""",
            new System.Text.Json.Nodes.JsonArray(
                membership["history"]
                    .AsArray()
                    .Select(h => (System.Text.Json.Nodes.JsonNode?)h!["kind"]!.GetValue<string>())
                    .ToArray()
            ).ToJsonString()
        );
        // benefits gone
        Assert.Equal(100, (await TiersTests.Buy(host, _clock, member, "T2", 100)).Get<int>("pointsEarned"));
        Assert.Equal("bronze", (await host.Get($"/members/{member}/tier"))["tier"]["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task renewals_failed_payments_and_cancellations_move_the_membership_as_the_billing_system_reports()
    {
        await using var host = await ProgramWithPlus();
        var member = await host.WithEnrolledMember();
        await host.Post($"/members/{member}/membership/purchased", new { paymentReference = "pay-1", plan = "plus" });

        _clock.Reset(Local(2026, 12, 23));
        var failed = await host.Post(
            $"/members/{member}/membership/payment-failed",
            new { paymentReference = "pay-2" }
        );
        Assert.Equal(
            ("past-due", Local(2026, 12, 31).ToString()),
            (failed.Get<string>("status"), failed.Get<string>("graceUntil"))
        );
        _clock.Reset(Local(2026, 12, 27));
        var renewed = await host.Post($"/members/{member}/membership/renewed", new { paymentReference = "pay-3" });
        Assert.Equal(("active", "2027-01-24"), (renewed.Get<string>("status"), renewed.Get<string>("renewalDate")));
        Assert.Equal(1000, await host.Available(member)); // a bonus per period paid

        var cancelled = await host.Post(
            $"/members/{member}/membership/cancelled",
            new { paymentReference = "cancel-1" }
        );
        Assert.Equal(
            ("cancelled", Local(2027, 1, 24).ToString()),
            (cancelled.Get<string>("status"), cancelled.Get<string>("endsAt"))
        );
        Assert.Equal(
            (422, "paymentReference"),
            await Refusal(host.Post($"/members/{member}/membership/renewed", new { paymentReference = "pay-4" }))
        );

        var other = await host.WithEnrolledMember();
        await host.Post($"/members/{other}/membership/purchased", new { paymentReference = "pay-5", plan = "plus" });
        var refunded = await host.Post(
            $"/members/{other}/membership/cancelled",
            new { paymentReference = "cancel-2", refund = true }
        );
        Assert.Equal("ended", refunded.Get<string>("status"));
    }

    [Fact]
    public async Task reports_and_plans_that_do_not_fit_are_refused_naming_the_field_and_change_nothing()
    {
        await using var host = await ProgramWithPlus();
        var member = await host.WithEnrolledMember();

        Assert.Equal(
            (400, "paymentReference"),
            await Refusal(host.Post($"/members/{member}/membership/purchased", new { plan = "plus" }))
        );
        Assert.Equal(
            (422, "plan"),
            await Refusal(
                host.Post(
                    $"/members/{member}/membership/purchased",
                    new { paymentReference = "p1", plan = "gold-card" }
                )
            )
        );
        Assert.Equal(
            (404, "memberId"),
            await Refusal(
                host.Post(
                    $"/members/{Guid.NewGuid()}/membership/purchased",
                    new { paymentReference = "p2", plan = "plus" }
                )
            )
        );
        Assert.Equal(
            (422, "paymentReference"),
            await Refusal(host.Post($"/members/{member}/membership/payment-failed", new { paymentReference = "p3" }))
        );
        Assert.Equal(
            (422, "plans[0].price.currency"),
            await Refusal(
                host.Put(
                    "/program/membership-plans",
                    new
                    {
                        plans = new[]
                        {
                            new
                            {
                                code = "x",
                                name = "X",
                                price = 5m,
                                currency = "USD",
                                period = "monthly",
                            },
                        },
                    }
                )
            )
        );
        Assert.Equal(
            (400, "plans[0].period"),
            await Refusal(
                host.Put(
                    "/program/membership-plans",
                    new
                    {
                        plans = new[]
                        {
                            new
                            {
                                code = "x",
                                name = "X",
                                price = 5m,
                                currency = "EUR",
                                period = "weekly",
                            },
                        },
                    }
                )
            )
        );

        Assert.Equal("none", (await host.Get($"/members/{member}/membership")).Get<string>("status"));
        Assert.Equal("plus", (await host.Get("/program/membership-plans"))["plans"][0]!["code"]!.GetValue<string>());
        Assert.Equal(0, await host.Available(member));
    }
}
