using Loyalty.Api.Tests.Infrastructure;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.ApiContract;

/// <summary>
/// A POS team's day through a client NSwag generates from the live document, compiled and used unpatched: enroll,
/// purchase, retry, return, redeem, balance, ledger, hold and capture, and a refusal read through its typed problem.
/// </summary>
public class GeneratedClientTests(LoyaltyApp app)
{
    private HttpClient HttpWithKey(string key)
    {
        var http = app.Host.Server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    [Fact]
    public async Task a_generated_client_runs_a_pos_day_and_reads_refusals()
    {
        var document = await (await app.Host.Scenario(s => s.Get.Url("/openapi/v1.json"))).ReadAsTextAsync();
        var generated = await GeneratedClient.FromDocumentAsync(document);
        using var adminHttp = HttpWithKey(LoyaltyApp.AdminKey);
        var admin = generated.Client(adminHttp);
        var source = NewId("till");
        var issued = await admin.IssueApiKeyAsync(
            generated.New(
                "IssueApiKeyRequest",
                new
                {
                    Name = "till 1, store 12",
                    Source = source,
                    Stores = new[] { "store-12" },
                    Scopes = new[] { "members:read", "members:write", "points:earn", "points:redeem" },
                }
            )
        );
        using var posHttp = HttpWithKey((string)issued.Result.Key);
        var pos = generated.Client(posHttp);

        var card = NewId("card");
        var enrolled = await pos.EnrollMemberAsync(
            generated.New(
                "EnrollMemberRequest",
                new
                {
                    ExternalId = card,
                    Name = "Ada Lovelace",
                    Email = "ada@example.com",
                    Birthday = new DateOnly(1990, 12, 10),
                }
            )
        );
        Guid member = enrolled.Result.Id;
        Assert.Equal(201, (int)enrolled.StatusCode);
        Assert.Equal($"/members/{member}", Header(enrolled, "Location"));
        Assert.Equal(member, (Guid)(await pos.FindMemberByExternalIdAsync(card)).Result.Id);

        var purchase = generated.New(
            "RecordPurchaseRequest",
            new
            {
                TransactionId = "T-1001",
                MemberExternalId = card,
                StoreId = "store-12",
                Currency = "EUR",
                OccurredAt = new DateTimeOffset(2026, 11, 24, 11, 0, 0, TimeSpan.FromHours(1)),
                Lines = new[]
                {
                    generated.New(
                        "PurchaseLineRequest",
                        new
                        {
                            LineId = "1",
                            Sku = "COFFEE-1KG",
                            Category = "grocery",
                            Quantity = 2m,
                            UnitPrice = 12.50m,
                            Discount = 1.00m,
                        }
                    ),
                    generated.New(
                        "PurchaseLineRequest",
                        new
                        {
                            LineId = "2",
                            Sku = "MUG",
                            Quantity = 1m,
                            UnitPrice = 8.99m,
                        }
                    ),
                },
            }
        );
        var earned = await pos.RecordPurchaseAsync(purchase);
        var retried = await pos.RecordPurchaseAsync(purchase);
        Assert.Equal(32, (int)earned.Result.PointsEarned);
        Assert.Equal(32, (int)retried.Result.PointsEarned);
        Assert.Equal("true", Header(retried, "Idempotent-Replay"));

        var returned = await pos.ReturnPurchaseAsync(
            source,
            "T-1001",
            generated.New(
                "ReturnPurchaseRequest",
                new
                {
                    ReturnId = "RET-1",
                    Lines = new[] { generated.New("ReturnLineRequest", new { LineId = "1", Quantity = 1m }) },
                }
            )
        );
        Assert.Equal(12, (int)returned.Result.PointsReversed);

        var redeemed = await pos.RedeemPointsAsync(
            member,
            generated.New(
                "RedeemPointsRequest",
                new
                {
                    RedemptionId = "RDM-1",
                    Points = (int?)10,
                    Reward = "free coffee",
                    Channel = "pos",
                }
            )
        );
        Assert.Equal(10, (int)redeemed.Result.Points);

        var hold = generated.New("PlaceHoldRequest", new { HoldId = "H-1", Points = (int?)5 });
        var held = await pos.PlaceHoldAsync(member, hold);
        var captured = await pos.CaptureHoldAsync(member, "H-1", generated.New("CaptureHoldRequest", new { }));
        Assert.Equal("held", (string)held.Result.Status);
        Assert.Equal("captured", (string)captured.Result.Status);

        var balance = (await pos.GetBalanceAsync(member, null, null)).Result;
        var ledger = (await pos.GetLedgerAsync(member, null, null)).Result;
        Assert.Equal(32 - 12 - 10 - 5, (long)balance.Available);
        Assert.Equal(5, (int)ledger.Entries.Count); // earned, reversed, redeemed, held, captured

        var tooMuch = generated.New(
            "RedeemPointsRequest",
            new
            {
                RedemptionId = "R2",
                Points = (int?)999,
                Reward = "espresso machine",
            }
        );
        var refusal = await Record.ExceptionAsync(() => (Task)pos.RedeemPointsAsync(member, tooMuch));
        Assert.True(GeneratedClient.IsProblem(refusal!), refusal?.ToString());
        dynamic problem = ((dynamic)refusal!).Result;
        Assert.Equal(422, (int)((dynamic)refusal).StatusCode);
        Assert.Equal("points", (string)problem.Field);
        Assert.Contains("available", (string)problem.Reason);
    }

    private static string? Header(dynamic response, string name) =>
        ((IReadOnlyDictionary<string, IEnumerable<string>>)response.Headers).TryGetValue(name, out var values)
            ? values.Single()
            : null;
}
