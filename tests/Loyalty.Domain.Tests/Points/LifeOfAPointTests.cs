using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;
using NodaTime.Text;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Points;

/// <summary>Lots from earning to redemption, return, expiry and holds, decided as the service decides them.</summary>
public class LifeOfAPointTests
{
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    private static Instant At(string iso) => InstantPattern.ExtendedIso.Parse(iso).Value;

    private static ProgramSettings With(int pendingDays = 0, string expiry = "none", int months = 0) =>
        Program with
        {
            PendingDays = pendingDays,
            Expiry = ExpiryPolicy.From(expiry, months),
            PointValue = new PointValue(100, 1.00m),
        };

    private static RecordPurchase Buy(string id, decimal amount, Instant at) =>
        Purchase(id, Line("1", 1, amount)) with
        {
            OccurredAt = at,
            RecordedAt = at,
        };

    private static History Earn(History member, ProgramSettings program, string id, decimal amount, Instant at) =>
        member.Then(member.Record(Buy(id, amount, at), program));

    private static string PurchaseLot(string id) => Lot.IdFor(new LotSource(LotSource.Purchase, $"pos/{id}"));

    [Fact]
    public void an_earning_makes_a_lot_pending_for_the_return_window_and_expiring_under_the_policy()
    {
        var program = With(pendingDays: 14, expiry: "rolling", months: 12);
        var earned = Member().Record(Buy("t1", 50, At("2026-05-15T10:00:00Z")), program).Single();

        Assert.Equal(At("2026-05-29T10:00:00Z"), earned.AvailableAt);
        // the start of 16 May 2027 in Amsterdam (summer time)
        Assert.Equal(At("2027-05-15T22:00:00Z"), earned.ExpiresAt);
        var account = Member(earned).Account;
        Assert.Equal(0, account.AvailableAt(At("2026-05-20T00:00:00Z")));
        Assert.Equal(50, account.Lots.Pending(At("2026-05-20T00:00:00Z")));
        Assert.Equal(50, account.AvailableAt(At("2026-05-29T10:00:00Z")));
    }

    [Fact]
    public void expiry_is_counted_in_the_programs_zone_not_the_members()
    {
        var losAngeles = new MemberProfile("Ada", null, null, null, "America/Los_Angeles");
        var member = new History([new MemberEnrolled(MemberId, "card-1", losAngeles, Now, Till)]);
        // 23:30 on 31 December in Los Angeles is already 1 January in Amsterdam.
        var earned = member
            .Record(Buy("t1", 10, At("2027-01-01T07:30:00Z")), With(expiry: "rolling", months: 1))
            .Single();
        Assert.Equal(Amsterdam.AtStartOfDay(new LocalDate(2027, 2, 2)).ToInstant(), earned.ExpiresAt);
    }

    [Fact]
    public void a_lot_whose_last_day_follows_a_daylight_saving_change_expires_at_local_midnight()
    {
        // Earned in summer time; last day 28 March 2027, the day clocks go forward: expires at 00:00 on 29 March,
        // UTC+2.
        var earned = Member()
            .Record(Buy("t1", 10, At("2026-09-28T12:00:00Z")), With(expiry: "rolling", months: 6))
            .Single();
        Assert.Equal(At("2027-03-28T22:00:00Z"), earned.ExpiresAt);
    }

    [Fact]
    public void a_return_in_the_window_reverses_the_pending_points_and_leaves_the_available_ones()
    {
        var program = With(pendingDays: 14);
        var member = Earn(Member(), program, "old", 100, Now - Duration.FromDays(30));
        member = Earn(member, program, "new", 40, Now);

        var reversed = member.Return(Return("new", "r1", new ReturnLine("1", 1))).Single();

        Assert.Equal([new LotTake(PurchaseLot("new"), 40, Now, Now + Duration.FromDays(14), null)], reversed.Taken);
        var after = member.Then([reversed]).Account;
        Assert.Equal(100, after.AvailableAt(Now));
        Assert.Equal(0, after.Lots.Pending(Now));
    }

    [Fact]
    public void a_return_of_spent_points_takes_from_other_lots_and_leaves_the_rest_as_a_deficit()
    {
        var member = Earn(Member(), Program, "t1", 50, Now - Duration.FromDays(2));
        member = Earn(member, Program, "t2", 20, Now - Duration.FromDays(1));
        member.Apply(m => m.Redeem(Redeem("x1", 60)));

        var reversed = member.Return(Return("t1", "r1", new ReturnLine("1", 1))).Single();

        Assert.Equal(
            [new LotTake(PurchaseLot("t2"), 10, Now - Duration.FromDays(1), Now - Duration.FromDays(1), null)],
            reversed.Taken
        );
        Assert.Equal((10, 40), (reversed.TakenFromBalance, reversed.AddedToDeficit));
    }

    [Fact]
    public void a_redemption_records_the_lots_it_took_soonest_expiring_first()
    {
        var program = With(expiry: "rolling", months: 12);
        var member = Earn(Member(), program, "late", 50, Now - Duration.FromDays(10));
        member = Earn(member, program, "early", 30, Now - Duration.FromDays(100));

        var redeemed = RedeemPoints.Decide(member.Account, null, program, Redeem("x1", 40)).Single();

        Assert.Equal([PurchaseLot("early"), PurchaseLot("late")], redeemed.Taken!.Select(t => t.LotId));
        Assert.Equal([30, 10], redeemed.Taken!.Select(t => t.Points));
    }

    [Fact]
    public void a_cancelled_redemption_goes_back_to_its_lots_and_expired_ones_expire_at_once()
    {
        var program = With(expiry: "rolling", months: 1);
        var member = Earn(Member(), program, "t1", 30, Now - Duration.FromDays(20));
        member = Earn(member, program, "t2", 50, Now);
        member.Then(RedeemPoints.Decide(member.Account, null, program, Redeem("x1", 40)));
        var lapsedBy = Now + Duration.FromDays(15); // t1's lot has expired, t2's has not
        member.Then(ExpirePoints.Decide(member.Account, new ExpirePoints(lapsedBy, Till)));

        var cancelled = member.Cancel(new CancelRedemption("x1", null, lapsedBy, Till)).Single();

        Assert.Equal([(PurchaseLot("t1"), 30)], cancelled.ExpiredAtOnce!.Select(t => (t.LotId, t.Points)));
        Assert.Equal([(PurchaseLot("t2"), 10)], cancelled.Restored!.Select(t => (t.LotId, t.Points)));
        var after = member.Then([cancelled]).Account;
        Assert.Equal(50, after.AvailableAt(lapsedBy));
        Assert.Equal(
            member.Account.Lots.Find(PurchaseLot("t2"))!.ExpiresAt,
            after.Lots.Find(PurchaseLot("t2"))!.ExpiresAt
        );
        Assert.Equal(30, after.Balance.LifetimeExpired);
    }

    [Fact]
    public void activity_moves_the_expiry_of_every_open_lot()
    {
        var program = With(expiry: "activity", months: 6);
        var member = Earn(Member(), program, "t1", 30, Now - Duration.FromDays(100));
        member = Earn(member, program, "t2", 30, Now);

        var expected = program.ExpiresAt(Now);
        Assert.All(member.Account.Lots.Items, l => Assert.Equal(expected, l.ExpiresAt));
    }

    [Fact]
    public void expiry_takes_the_due_lots_once_and_spares_held_points()
    {
        var program = With(expiry: "rolling", months: 1);
        var member = Earn(Member(), program, "t1", 100, Now);
        member.Then(
            PlaceHold.Decide(
                member.Account,
                null,
                program,
                PlaceHold.Parse("h1", 30, null, null, null, null, Now, Till)
            )
        );
        var due = program.ExpiresAt(Now)!.Value;

        Assert.Empty(ExpirePoints.Decide(member.Account, new ExpirePoints(due - Duration.FromSeconds(1), Till)));
        var expired = ExpirePoints.Decide(member.Account, new ExpirePoints(due, Till)).Single();
        Assert.Equal(70, expired.Points);
        member.Then([expired]);
        Assert.Empty(ExpirePoints.Decide(member.Account, new ExpirePoints(due, Till)));
        Assert.Equal(30, member.Account.Balance.Held);
    }

    [Fact]
    public void held_points_cannot_be_redeemed_by_anything_else()
    {
        var member = Earn(Member(), Program, "t1", 100, Now);
        member.Then(
            PlaceHold.Decide(
                member.Account,
                null,
                Program,
                PlaceHold.Parse("h1", 80, null, null, null, null, Now, Till)
            )
        );

        var error = Assert.Throws<RuleBroken>(() => member.Redeem(Redeem("x1", 30)));
        Assert.Contains("20", error.Reason);
    }

    [Fact]
    public void a_partial_capture_spends_part_and_releases_the_rest()
    {
        var member = Earn(Member(), Program, "t1", 100, Now);
        var held = PlaceHold
            .Decide(member.Account, null, Program, PlaceHold.Parse("h1", 80, null, null, null, "order-1", Now, Till))
            .Single();
        member.Then([held]);
        var hold = HoldState.Evolve(null, held);

        var captured = CaptureHold.Decide(member.Account, hold, Program, new CaptureHold("h1", 50, Now, Till)).Single();

        Assert.Equal((50, 30), (captured.Captured.Sum(t => t.Points), captured.Released.Sum(t => t.Points)));
        var after = member.Then([captured]).Account;
        Assert.Equal((50, 0L, 50L), (after.AvailableAt(Now), after.Balance.Held, after.Balance.LifetimeRedeemed));
    }

    [Fact]
    public void a_hold_cannot_be_captured_after_it_ended_or_expired()
    {
        var member = Earn(Member(), Program, "t1", 100, Now);
        var held = PlaceHold
            .Decide(member.Account, null, Program, PlaceHold.Parse("h1", 80, null, null, 60, null, Now, Till))
            .Single();
        member.Then([held]);
        var hold = HoldState.Evolve(null, held)!;
        var expiresAt = Now + Duration.FromMinutes(1);

        Assert.Throws<Conflict>(() =>
            CaptureHold.Decide(member.Account, hold, Program, new CaptureHold("h1", null, expiresAt, Till))
        );
        Assert.Empty(ReleaseExpiredHold.Decide(member.Account, hold, expiresAt - Duration.FromSeconds(1), Till));
        var timedOut = ReleaseExpiredHold.Decide(member.Account, hold, expiresAt, Till).Single();
        Assert.Equal(HoldReleased.TimedOut, timedOut.Reason);
        var ended = HoldState.Evolve(hold, timedOut)!;
        Assert.Empty(ReleaseExpiredHold.Decide(member.Account, ended, expiresAt, Till));
        Assert.Empty(ReleaseHold.Decide(member.Account, ended, new ReleaseHold("h1", expiresAt, Till)));
        Assert.Contains(
            "expired",
            Assert
                .Throws<Conflict>(() =>
                    CaptureHold.Decide(member.Account, ended, Program, new CaptureHold("h1", null, Now, Till))
                )
                .Reason
        );

        var captured = HoldState.Evolve(
            hold,
            CaptureHold.Decide(member.Account, hold, Program, new CaptureHold("h1", null, Now, Till)).Single()
        )!;
        Assert.Throws<Conflict>(() =>
            CaptureHold.Decide(member.Account, captured, Program, new CaptureHold("h1", 10, Now, Till))
        );
        Assert.Throws<Conflict>(() => ReleaseHold.Decide(member.Account, captured, new ReleaseHold("h1", Now, Till)));
    }

    [Fact]
    public void paying_an_amount_with_points_rounds_the_points_up_and_records_the_money()
    {
        var member = Earn(Member(), With(), "t1", 100, Now);
        var redeemed = RedeemPoints
            .Decide(
                member.Account,
                null,
                With(),
                RedeemPoints.Parse("x1", null, 0.51m, "EUR", "coffee", "app", Now, Till)
            )
            .Single();

        Assert.Equal(51, redeemed.Points);
        Assert.Equal(new Money(0.51m, "EUR"), redeemed.Value);
        Assert.Throws<RuleBroken>(() =>
            RedeemPoints.Decide(
                member.Account,
                null,
                With(),
                RedeemPoints.Parse("x2", null, 1m, "USD", "coffee", "app", Now, Till)
            )
        );
        Assert.Throws<RuleBroken>(() =>
            RedeemPoints.Decide(
                member.Account,
                null,
                Program,
                RedeemPoints.Parse("x3", null, 1m, "EUR", "coffee", "app", Now, Till)
            )
        );
    }
}
