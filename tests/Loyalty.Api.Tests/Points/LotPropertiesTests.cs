using JasperFx.Events;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Balances;
using NodaTime;

namespace Loyalty.Api.Tests.Points;

/// <summary>
/// Random sequences of earn, return, redeem, cancel, adjust, hold, capture, release, hold time-outs and clock moves
/// (each followed by the expiry job), decided as the service decides them. After every step: nothing is below zero;
/// open lots = available + pending + held (+ points whose lot lapsed since the last expiry run, none right after one);
/// every point taken is taken from exactly one lot that had it, and each lot's open points are what its history says;
/// the balance projection equals a fold of the events.
/// </summary>
public class LotPropertiesTests
{
    private static readonly Guid Member = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000001");
    private static readonly Actor By = Actor.System("property");
    private static readonly ExpiryPolicy[] Policies =
    [
        ExpiryPolicy.Never,
        ExpiryPolicy.From("rolling", 1),
        ExpiryPolicy.From("end-of-quarter", 1),
        ExpiryPolicy.From("activity", 1),
    ];

    [Fact]
    public void lots_balances_and_projections_agree_after_every_step_of_random_histories()
    {
        for (var seed = 1; seed <= 300; seed++)
            new Run(seed).Go(steps: 60);
    }

    [Fact]
    public void long_histories_whose_lots_get_consolidated_keep_every_invariant()
    {
        for (var seed = 1; seed <= 3; seed++)
            new Run(seed, earnHeavy: true).Go(steps: 450);
    }

    [Fact]
    public void long_histories_whose_lots_are_consolidated_by_event_keep_every_invariant()
    {
        for (var seed = 1; seed <= 3; seed++)
            new Run(seed, earnHeavy: true, recorded: true).Go(steps: 450);
    }

    private sealed class Run(int seed, bool earnHeavy = false, bool recorded = false)
    {
        private readonly Random _random = new(seed);
        private readonly MemberStream _stream = new(Member, []);
        private readonly List<string> _log = [];
        private readonly Dictionary<string, long> _lotLedger = new();
        private Instant _now = Instant.FromUtc(2026, 3, 20, 9, 0);
        private ProgramSettings _program = null!;

        private PointsAccount Account => _stream.Account;

        private string Pick(string prefix, int count) => $"{prefix}{_random.Next(Math.Max(count, 1))}";

        private int _purchases,
            _redemptions,
            _holds,
            _adjustments;

        public void Go(int steps)
        {
            _program = new ProgramSettings(
                1,
                "EUR",
                "Europe/Amsterdam",
                new EarnRate(1, 1),
                ProgramSettings.FloorPerPurchase,
                PendingDays: _random.Next(3) * 7,
                Expiry: Policies[_random.Next(Policies.Length)],
                PointValue: new PointValue(100, 1m)
            );
            Record(
                "enrol",
                [
                    new MemberEnrolled(
                        Member,
                        "card",
                        new MemberProfile("P", null, null, null, "Europe/Amsterdam"),
                        _now,
                        By,
                        recorded ? true : null
                    ),
                ]
            );
            for (var step = 0; step < steps; step++)
            {
                var account = Account;
                var name = (earnHeavy && _random.Next(3) > 0 ? 0 : _random.Next(10)) switch
                {
                    0 or 1 => "earn",
                    2 => "return",
                    3 => "redeem",
                    4 => "cancel",
                    5 => "adjust",
                    6 => "hold",
                    7 => "capture",
                    8 => "release",
                    _ => "time",
                };
                IMemberEvent[] decided;
                try
                {
                    decided = ConsolidateLots.Following(account, Decide(name, account, step).ToArray()).ToArray();
                }
                catch (DomainError)
                {
                    continue;
                } // refused: records nothing, which the next checks also cover
                Record(name, decided);
                if (name == "time")
                    Assert.True(Account.Lots.Lapsed(_now) == 0, Explain("points lapsed right after the expiry run"));
            }
        }

        private IEnumerable<IMemberEvent> Decide(string name, PointsAccount account, int step)
        {
            var (purchase, redemption, hold) = (Pick("t", _purchases), Pick("x", _redemptions), Pick("h", _holds));
            switch (name)
            {
                case "earn":
                    return RecordPurchase.Decide(
                        account,
                        null,
                        _program,
                        RecordPurchase.Parse(
                            "pos",
                            $"t{_purchases++}",
                            "s",
                            _now,
                            "EUR",
                            [
                                new PurchaseLine("a", "a", null, _random.Next(1, 4), _random.Next(1, 80), 0),
                                new PurchaseLine("b", "b", null, 1, _random.Next(0, 50), 0),
                            ],
                            _now,
                            By
                        )
                    );
                case "return":
                    return ReturnPurchase.Decide(
                        account,
                        _stream.Purchase(purchase),
                        ReturnPurchase.Parse(
                            "pos",
                            purchase,
                            $"r{step}",
                            [new ReturnLine(_random.Next(2) == 0 ? "a" : "b", 1)],
                            _now,
                            _now,
                            By
                        )
                    );
                case "redeem":
                    return RedeemPoints.Decide(
                        account,
                        null,
                        _program,
                        RedeemPoints.Parse(
                            $"x{_redemptions++}",
                            _random.Next(1, 150),
                            null,
                            null,
                            "gift",
                            null,
                            _now,
                            By
                        )
                    );
                case "cancel":
                    return CancelRedemption.Decide(
                        account,
                        _stream.Redemption(redemption),
                        new CancelRedemption(redemption, null, _now, By)
                    );
                case "adjust":
                    return AdjustPoints.Decide(
                        account,
                        _program,
                        AdjustPoints.Parse(
                            $"a{_adjustments++}",
                            _random.Next(-60, 60) is var p and not 0 ? p : 1,
                            "why",
                            false,
                            _now,
                            By
                        )
                    );
                case "hold":
                    return PlaceHold.Decide(
                        account,
                        null,
                        _program,
                        PlaceHold.Parse(
                            $"h{_holds++}",
                            _random.Next(1, 120),
                            null,
                            null,
                            _random.Next(60, 7200),
                            null,
                            _now,
                            By
                        )
                    );
                case "capture":
                    return CaptureHold.Decide(
                        account,
                        _stream.Hold(hold),
                        _program,
                        new CaptureHold(hold, _random.Next(3) == 0 ? null : _random.Next(1, 60), _now, By)
                    );
                case "release":
                    return _random.Next(2) == 0
                        ? ReleaseHold.Decide(account, _stream.Hold(hold), new ReleaseHold(hold, _now, By))
                        : ReleaseExpiredHold.Decide(account, _stream.Hold(hold), _now, By);
                default:
                    _now += Duration.FromMinutes(_random.Next(1, 45 * 24 * 60));
                    return ExpirePoints.Decide(account, new ExpirePoints(_now, By));
            }
        }

        private void Record(string step, IMemberEvent[] events)
        {
            foreach (var e in events)
            {
                var before = Account;
                CheckTakes(before, e);
                _stream.Events.Add(e);
                FollowConsolidation(before.Lots, Account.Lots);
            }
            _log.Add($"{_now:yyyy-MM-dd HH:mm} {step}: {string.Join(", ", events.Select(e => e.GetType().Name))}");
            CheckInvariants();
        }

        /// <summary>Lots merged into a consolidated lot carry their open points there.</summary>
        private void FollowConsolidation(Lots before, Lots after)
        {
            foreach (var (lotId, open) in _lotLedger.ToList())
            {
                if (open == 0 || after.Find(lotId) is not null || before.Find(lotId) is not { } lot)
                    continue;
                var into = $"{Lot.Consolidated}:{lot.ExpiresAt?.ToUnixTimeMilliseconds().ToString() ?? "never"}";
                Assert.True(after.Find(into) is not null, Explain($"lot {lotId} vanished with {open} points open"));
                _lotLedger[into] = _lotLedger.GetValueOrDefault(into) + open;
                _lotLedger[lotId] = 0;
            }
        }

        /// <summary>
        /// Every take names a lot that has the points, and the takes add up to what the event says it moved.
        /// </summary>
        private void CheckTakes(PointsAccount before, IMemberEvent e)
        {
            var (removed, amount, fromHeld) = e switch
            {
                PointsReversed x => (x.Taken!, x.TakenFromBalance, false),
                PointsRedeemed x => (x.Taken!, x.Points, false),
                PointsAdjusted { Points: < 0 } x => (x.Taken!, -x.Points, false),
                PointsExpired x => (x.Lots, x.Points, false),
                PointsHeld x => (x.Taken, x.Points, false),
                HoldCaptured x => (x.Captured, x.Points, true),
                _ => ((IReadOnlyList<LotTake>)[], 0, false),
            };
            Assert.True(
                removed.Sum(t => t.Points) == amount,
                Explain($"{e.GetType().Name} moved {amount} but took {removed.Sum(t => t.Points)}")
            );
            foreach (var take in removed.GroupBy(t => t.LotId))
            {
                var lot = before.Lots.Find(take.Key);
                var room =
                    lot is null ? 0
                    : fromHeld ? lot.Held
                    : lot.Open - lot.Held;
                Assert.True(
                    take.Sum(t => t.Points) <= room,
                    Explain($"{e.GetType().Name} took {take.Sum(t => t.Points)} from {take.Key}, which had {room}")
                );
                Assert.True(take.Count() == 1, Explain($"{e.GetType().Name} names lot {take.Key} twice"));
                if (e is not PointsHeld)
                    _lotLedger[take.Key] -= take.Sum(t => t.Points);
            }
            switch (e)
            {
                case PointsEarned x when x.Points - x.DeficitSettled > 0:
                    _lotLedger[$"purchase:{x.Source}/{x.TransactionId}"] = x.Points - x.DeficitSettled;
                    break;
                case PointsAdjusted { Points: > 0 } x when x.Points - x.DeficitSettled > 0:
                    _lotLedger[$"adjustment:{x.AdjustmentId}"] = x.Points - x.DeficitSettled;
                    break;
                case RedemptionCancelled x:
                    foreach (var t in x.Restored!)
                        _lotLedger[t.LotId] += t.Points;
                    Assert.True(
                        x.Restored!.Sum(t => t.Points) + x.DeficitSettled + (x.ExpiredAtOnce?.Sum(t => t.Points) ?? 0)
                            == x.Points,
                        Explain("a cancellation did not account for every point")
                    );
                    break;
                case HoldReleased x:
                    Assert.True(
                        x.Released.Sum(t => t.Points) == x.Points,
                        Explain("a release did not free what it says")
                    );
                    break;
            }
        }

        private void CheckInvariants()
        {
            var account = Account;
            var (b, lots) = (account.Balance, account.Lots);
            Assert.True(
                b.Outstanding >= 0 && b.Held >= 0 && b.Deficit >= 0 && lots.Available(_now) >= 0,
                Explain($"below zero: {b}")
            );
            Assert.True(
                lots.Open() == b.Outstanding && lots.Held() == b.Held,
                Explain($"lots hold {lots.Open()}/{lots.Held()} held, balance {b}")
            );
            Assert.True(
                lots.Open() == lots.Available(_now) + lots.Pending(_now) + lots.Held() + lots.Lapsed(_now),
                Explain("open ≠ available + pending + held + lapsed")
            );
            Assert.True(
                b.Outstanding - b.Deficit
                    == b.LifetimeEarned - b.LifetimeRedeemed + b.LifetimeAdjusted - b.LifetimeExpired,
                Explain($"does not reconcile: {b}")
            );
            foreach (var (lotId, open) in _lotLedger)
                Assert.True(
                    (lots.Find(lotId)?.Open ?? 0) == open,
                    Explain($"lot {lotId} has {lots.Find(lotId)?.Open ?? 0} open, its history says {open}")
                );

            var projected = _stream
                .Events.Select(e => (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(e.GetType()), e)!)
                .ToList();
            MemberBalance? doc = null;
            var projection = new MemberBalanceProjection();
            for (var i = 0; i < projected.Count; i++)
            {
                projected[i].Version = i + 1;
                doc = projection.Evolve(doc, Member, projected[i]);
            }
            var folded = MemberBalance.Of(account, _stream.Events.Count);
            Assert.True(
                doc! with { Lots = null, Standing = null, Flow = null } == folded with { Lots = null, Standing = null }
                    && doc.Lots!.Items.SequenceEqual(folded.Lots!.Items)
                    && (doc.Standing?.Qualifying ?? []).SequenceEqual(folded.Standing?.Qualifying ?? []),
                Explain("the projection differs from the fold")
            );
        }

        private string Explain(string what) =>
            $"seed {seed}, program {_program.PendingDays} pending days, {_program.Expiry}: "
            + $"{what}\n{string.Join("\n", _log)}";
    }
}
