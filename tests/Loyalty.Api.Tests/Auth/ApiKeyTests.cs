using Loyalty.Api.Tests.Infrastructure;
using Npgsql;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Auth;

public class ApiKeyTests(LoyaltyApp app)
{
    private readonly Alba.IAlbaHost _host = app.Host;

    [Fact]
    public async Task a_key_works_until_it_is_revoked_and_only_its_hash_is_stored()
    {
        var issued = await _host.Post(
            "/api-keys",
            new { name = "web-shop", scopes = new[] { "members:read", "members:write" } }
        );
        Assert.Equal(201, issued.Status);
        var key = issued.Get<string>("key");
        var id = issued["details"]["id"]!.GetValue<Guid>();

        var used = await _host.Post("/members", new { externalId = NewId("card"), name = "Ada" }, Http.WithKey(key));
        var asBearer = await _host.Get($"/members/{used.Get<Guid>("id")}", ("Authorization", "Bearer " + key));
        Assert.Equal(201, used.Status);
        Assert.Equal(200, asBearer.Status);
        Assert.DoesNotContain(key, (await _host.Get("/api-keys")).Body!.ToJsonString());

        var revoked = await _host.Post($"/api-keys/{id}/revocation", new { reason = "shop replatformed" });
        var refused = await _host.Get($"/members/{used.Get<Guid>("id")}", Http.WithKey(key));
        Assert.Equal(200, revoked.Status);
        Assert.NotNull(revoked.Body!["revokedAt"]);
        Assert.Equal(401, refused.Status);
        Assert.Equal("the API key was revoked", refused.Reason);

        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0L, await Count(connection, "loyalty.mt_doc_apikey", key));
        Assert.Equal(0L, await Count(connection, "loyalty.mt_events", key));
        Assert.Equal(0L, await Count(connection, "loyalty.mt_events", key[36..]));
        Assert.Equal(1L, await Count(connection, "loyalty.mt_doc_apikey", Loyalty.Api.Auth.ApiKeySecrets.Hash(key)));
    }

    private static async Task<long> Count(NpgsqlConnection connection, string table, string text)
    {
        await using var command = new NpgsqlCommand(
            $"select count(*) from {table} where data::text like '%' || @text || '%'",
            connection
        );
        command.Parameters.AddWithValue("text", text);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Theory]
    [InlineData("lk_0123456789abcdef0123456789abcdef_nonsense")]
    [InlineData("not-a-key-at-all")]
    public async Task a_key_that_is_not_one_of_ours_is_refused(string key)
    {
        var answer = await _host.Get("/program/settings", Http.WithKey(key));
        Assert.Equal(401, answer.Status);
        Assert.Equal("Authorization", answer.Field);
        Assert.Equal("application/problem+json", answer.ContentType);
    }

    [Fact]
    public async Task no_credentials_is_401_naming_what_is_missing()
    {
        var answer = await _host.Get("/program/settings", Http.Anonymous);
        Assert.Equal(401, answer.Status);
        Assert.Equal("Authorization", answer.Field);
        Assert.Equal("Bearer", answer.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task a_key_for_one_store_cannot_record_a_purchase_for_another()
    {
        var member = await _host.WithEnrolledMember();
        var key = (
            await _host.Post(
                "/api-keys",
                new
                {
                    name = "till 12",
                    scopes = new[] { "points:earn" },
                    source = "pos-12",
                    stores = new[] { "store-12" },
                }
            )
        ).Get<string>("key");

        var elsewhere = await _host.Post(
            "/purchases",
            new
            {
                transactionId = NewId("T"),
                memberId = member,
                storeId = "store-13",
                occurredAt = Earlier,
                currency = "EUR",
                lines = new[] { Line("1", 1, 10) },
            },
            Http.WithKey(key)
        );
        var here = await _host.Post(
            "/purchases",
            new
            {
                transactionId = NewId("T"),
                memberId = member,
                storeId = "store-12",
                occurredAt = Earlier,
                currency = "EUR",
                lines = new[] { Line("1", 1, 10) },
            },
            Http.WithKey(key)
        );

        Assert.Equal(403, elsewhere.Status);
        Assert.Equal("storeId", elsewhere.Field);
        Assert.Equal(201, here.Status);
        Assert.Equal(10, await _host.Available(member));
    }

    [Fact]
    public async Task a_purchase_is_recorded_under_the_keys_source_never_the_bodys()
    {
        var member = await _host.WithEnrolledMember();
        var key = (
            await _host.Post(
                "/api-keys",
                new
                {
                    name = "till 7",
                    scopes = new[] { "points:earn" },
                    source = "pos-7",
                }
            )
        ).Get<string>("key");
        var transaction = NewId("T");

        var spoofed = await _host.Post(
            "/purchases",
            new
            {
                source = "pos-8",
                transactionId = transaction,
                memberId = member,
                storeId = "s",
                occurredAt = Earlier,
                currency = "EUR",
                lines = new[] { Line("1", 1, 10) },
            },
            Http.WithKey(key)
        );
        var recorded = await _host.Post(
            "/purchases",
            new
            {
                transactionId = transaction,
                memberId = member,
                storeId = "s",
                occurredAt = Earlier,
                currency = "EUR",
                lines = new[] { Line("1", 1, 10) },
            },
            Http.WithKey(key)
        );
        var otherTillsReturn = await _host.Post(
            $"/purchases/pos-8/{transaction}/returns",
            new { returnId = "r", lines = new[] { new { lineId = "1", quantity = 1 } } },
            Http.WithKey(key)
        );

        Assert.Equal(403, spoofed.Status);
        Assert.Equal("source", spoofed.Field);
        Assert.Equal("pos-7", recorded.Get<string>("source"));
        Assert.Equal(403, otherTillsReturn.Status);
    }

    [Fact]
    public async Task issuing_a_key_needs_a_name_and_known_scopes()
    {
        var unnamed = await _host.Post("/api-keys", new { scopes = new[] { "members:read" } });
        var unknown = await _host.Post(
            "/api-keys",
            new { name = "x", scopes = new[] { "members:read", "points:steal" } }
        );
        Assert.Equal("name", unnamed.Field);
        Assert.Equal(400, unknown.Status);
        Assert.Equal("scopes[1]", unknown.Field);
    }

    [Fact]
    public async Task revoking_an_unknown_key_is_not_found()
    {
        var answer = await _host.Post($"/api-keys/{Guid.NewGuid()}/revocation", new { reason = "x" });
        Assert.Equal(404, answer.Status);
        Assert.Equal("id", answer.Field);
    }
}
