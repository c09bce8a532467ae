using System.Text.Json.Nodes;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Points;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Common;
using Marten;
using NodaTime;
using Npgsql;

namespace Loyalty.Api.Tests.Golden;

/// <summary>
/// Golden streams: recorded member streams (<c>Streams/*.events.json</c>, the events as the store keeps them,
/// old shapes included) folded as the service folds them, compared with what they folded to when recorded
/// (<c>*.expected.json</c>: the account, the balance answer, the profile, and each purchase, redemption and hold).
/// Any change that reads a stored event differently fails here. The event files are never rewritten; an expected
/// file is rewritten only on purpose, with <c>LOYALTY_WRITE_GOLDEN=1</c>, and reviewed as a change of meaning.
/// </summary>
public class GoldenStreamTests
{
    internal static readonly ISerializer Store = Wiring
        .StoreOptionsFor(NpgsqlDataSource.Create("Host=unused"))
        .Serializer();

    private static readonly Dictionary<string, Type> EventTypes = DomainEvents
        .Implementing<IMemberEvent>()
        .ToDictionary(t => t.Name);

    internal static string Folder([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.Combine(Path.GetDirectoryName(file)!, "Streams");

    private static IEnumerable<string> Names() =>
        Directory
            .GetFiles(Folder(), "*.events.json")
            .Select(f => Path.GetFileName(f)[..^".events.json".Length])
            .Order();

    public static TheoryData<string> Streams() => new(Names());

    [Fact]
    public void the_golden_streams_cover_every_member_event_and_the_old_shapes()
    {
        var recorded = Names().SelectMany(name => Recorded(name).Events).Select(e => e.GetType().Name).ToHashSet();
        Assert.Empty(EventTypes.Keys.Except(recorded));
        Assert.Contains("before-lots", Names());
        Assert.Contains("consolidated-in-fold", Names());
    }

    [Fact]
    public void every_recorded_event_moves_the_roll_forward_by_what_it_moves_the_outstanding_points()
    {
        foreach (var e in Names().SelectMany(name => Recorded(name).Events))
            Assert.True(
                PointsFlow.Of(e).Net == (Movement.Of(e)?.Outstanding ?? 0),
                $"{e.GetType().Name}: the roll-forward moves {PointsFlow.Of(e).Net}, the balance {Movement.Of(e)}"
            );
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void a_recorded_stream_folds_to_what_it_folded_to_when_recorded(string name)
    {
        var (events, now) = Recorded(name);
        var actual = Folded(events, now).ToJsonString(new() { WriteIndented = true });
        var expectedFile = Path.Combine(Folder(), $"{name}.expected.json");
        if (Environment.GetEnvironmentVariable("LOYALTY_WRITE_GOLDEN") == "1")
            File.WriteAllText(expectedFile, actual + "\n");
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(expectedFile)), JsonNode.Parse(actual)),
            $"{name} folds differently from when it was recorded:\n{actual}"
        );
    }

    [Fact]
    public void an_event_naming_a_lot_the_member_does_not_have_is_an_error()
    {
        var (events, _) = Recorded("every-event");
        var account = events.Aggregate(PointsAccount.Initial(events[0].MemberId), PointsAccount.Evolve);
        var stray = new PointsRedeemed(
            account.MemberId,
            "stray",
            1,
            "gift",
            null,
            Instant.FromUtc(2027, 1, 1, 0, 0),
            Domain.Common.Actor.System("test"),
            [new LotTake("purchase:pos/none", 1, Instant.MinValue, Instant.MinValue, null)]
        );
        Assert.Throws<UnknownLot>(() => PointsAccount.Evolve(account, stray));
    }

    /// <summary>The program the answers are given under: Amsterdam, euros.</summary>
    private static readonly ProgramSettings Program = new(
        1,
        "EUR",
        "Europe/Amsterdam",
        new EarnRate(1, 1),
        ProgramSettings.FloorPerPurchase
    );

    private static (IReadOnlyList<IMemberEvent> Events, Instant Now) Recorded(string name)
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder(), $"{name}.events.json")))!;
        var events = file["events"]!
            .AsArray()
            .Select(e =>
            {
                var type = EventTypes[(string)e!["type"]!];
                using var data = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(e["data"]!.ToJsonString()));
                return (IMemberEvent)Store.FromJson(type, data);
            })
            .ToList();
        return (events, Instant.FromDateTimeOffset(DateTimeOffset.Parse((string)file["now"]!)));
    }

    private static JsonObject Folded(IReadOnlyList<IMemberEvent> events, Instant now)
    {
        var id = events[0].MemberId;
        var balance = events
            .Select((e, i) => (e, Version: i + 1L))
            .Aggregate(
                (MemberBalance?)null,
                (b, x) =>
                    MemberBalance.Of(PointsAccount.Evolve(b?.ToAccount() ?? PointsAccount.Initial(id), x.e), x.Version)
            )!;
        var account = events.Aggregate(PointsAccount.Initial(id), PointsAccount.Evolve);
        Assert.Equal(Json(balance.ToAccount()), Json(account)); // the read model folds as the write model does
        return new JsonObject
        {
            ["account"] = Node(account),
            ["balance"] = Node(BalanceResponse.From(account, events.Count, now, Program)),
            ["member"] = Node(events.Aggregate((Member?)null, Member.Evolve)),
            ["purchases"] = WithReturnIdsSorted(
                Node(Each<PurchaseState>(events, PurchaseState.KeyOf, PurchaseState.Evolve))!
            ),
            ["redemptions"] = Node(
                Each<RedemptionState>(
                    events,
                    e =>
                        e switch
                        {
                            PointsRedeemed x => x.RedemptionId,
                            RedemptionCancelled x => x.RedemptionId,
                            _ => null,
                        },
                    RedemptionState.Evolve
                )
            ),
            ["holds"] = Node(
                Each<HoldState>(
                    events,
                    e =>
                        e switch
                        {
                            PointsHeld x => x.HoldId,
                            HoldCaptured x => x.HoldId,
                            HoldReleased x => x.HoldId,
                            _ => null,
                        },
                    HoldState.Evolve
                )
            ),
        };
    }

    private static SortedDictionary<string, T> Each<T>(
        IEnumerable<IMemberEvent> events,
        Func<IMemberEvent, string?> key,
        Func<T?, IMemberEvent, T?> evolve
    )
        where T : class
    {
        var states = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var e in events)
            if (key(e) is { } k && evolve(states.GetValueOrDefault(k), e) is { } next)
                states[k] = next;
        return states;
    }

    private static string Json(object? value) => Store.ToJson(value);

    private static JsonNode? Node(object? value) => JsonNode.Parse(Json(value));

    /// <summary>A purchase's return ids are a set, written in no particular order: sorted, to compare.</summary>
    private static JsonNode WithReturnIdsSorted(JsonNode purchases)
    {
        foreach (var (_, purchase) in purchases.AsObject())
        {
            var ids = purchase!["ReturnIds"]!.AsArray().Select(id => (string)id!).Order();
            purchase["ReturnIds"] = new JsonArray([.. ids.Select(id => JsonValue.Create(id))]);
        }
        return purchases;
    }
}
