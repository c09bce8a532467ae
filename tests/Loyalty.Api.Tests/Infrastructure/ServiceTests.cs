using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Infrastructure;

public class ServiceTests(LoyaltyApp app)
{
    [Fact]
    public async Task a_restarted_service_finds_everything_it_had()
    {
        Guid member;
        string transaction = NewId("T");
        string balanceBefore,
            ledgerBefore;
        await using (var first = await app.StartHostAsync())
        {
            member = await first.WithEnrolledMember();
            await first.Post("/purchases", Purchase(member, transaction, Line("a", 2, 30)));
            await first.Post(
                $"/members/{member}/redemptions",
                new
                {
                    redemptionId = "R1",
                    points = 15,
                    reward = "mug",
                }
            );
            balanceBefore = (await first.Get($"/members/{member}/balance")).Body!.ToJsonString();
            ledgerBefore = (await first.Get($"/members/{member}/ledger")).Body!.ToJsonString();
        }

        await using var restarted = await app.StartHostAsync();
        Assert.Equal(balanceBefore, (await restarted.Get($"/members/{member}/balance")).Body!.ToJsonString());
        Assert.Equal(ledgerBefore, (await restarted.Get($"/members/{member}/ledger")).Body!.ToJsonString());
        var retry = await restarted.Post("/purchases", Purchase(member, transaction, Line("a", 2, 30)));
        Assert.Equal("true", retry.Header("Idempotent-Replay"));
        var returned = await restarted.Post(
            $"/purchases/pos-1/{transaction}/returns",
            new { returnId = "r1", lines = new[] { new { lineId = "a", quantity = 1 } } }
        );
        Assert.Equal(201, returned.Status);
        Assert.Equal(15, await restarted.Available(member));
    }

    [Fact]
    public async Task the_openapi_document_describes_every_endpoint()
    {
        var document = await app.Host.Get("/openapi/v1.json", Http.Anonymous);
        var paths = document["paths"].AsObject().Select(p => p.Key).ToHashSet();

        Assert.Equal(200, document.Status);
        Assert.Superset(
            new HashSet<string>
            {
                "/members",
                "/members/{id}",
                "/members/{id}/profile",
                "/members/{id}/closure",
                "/purchases",
                "/purchases/{source}/{transactionId}/returns",
                "/members/{id}/redemptions",
                "/members/{id}/redemptions/{redemptionId}/cancellation",
                "/members/{id}/adjustments",
                "/members/{id}/balance",
                "/members/{id}/ledger",
                "/program/settings",
            },
            paths
        );
        Assert.Superset(
            new HashSet<string> { "201", "400", "401", "403", "404", "409", "422", "429" },
            document["paths"]["/purchases"]!["post"]!["responses"]!.AsObject().Select(r => r.Key).ToHashSet()
        );
    }

    [Fact]
    public async Task the_openapi_document_declares_how_to_authenticate()
    {
        var document = await app.Host.Get("/openapi/v1.json", Http.Anonymous);
        var schemes = document["components"]["securitySchemes"]!.AsObject();

        Assert.Equal("bearer", schemes["Bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("X-Api-Key", schemes["ApiKey"]!["name"]!.GetValue<string>());
        Assert.Equal(2, document["security"].AsArray().Count);
    }

    [Fact]
    public async Task the_api_reference_is_browsable_at_docs()
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url("/docs/");
            s.StatusCodeShouldBe(200);
        });
        Assert.Contains("openapi/v1.json", await result.ReadAsTextAsync());
    }

    [Fact]
    public async Task health_says_live_and_ready()
    {
        Assert.Equal(200, (await app.Host.Scenario(s => s.Get.Url("/health/live"))).Context.Response.StatusCode);
        var ready = await app.Host.Scenario(s => s.Get.Url("/health/ready"));
        Assert.Equal("Healthy", await ready.ReadAsTextAsync());
    }
}
