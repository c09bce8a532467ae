using Loyalty.Domain.Common;
using Loyalty.Domain.Referrals;
using NodaTime;

namespace Loyalty.Domain.Tests.Referrals;

public class ReferralLifecycleTests
{
    internal static Money Eur(decimal amount) => new(amount, "EUR");

    private static readonly Instant Now = Instant.FromUtc(2026, 11, 28, 12, 0);
    private static readonly Actor Till = new("api-key", "pos", "pos");
    private static readonly Guid Ada = new("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid Grace = new("bbbbbbbb-0000-0000-0000-000000000002");
    private static readonly ReferralSignals AdaSignals = new("ada@gmail.com", "+31611111111", "phone-a", null);
    private static readonly ReferralSignals GraceSignals = new("grace@example.com", "+31622222222", "phone-g", null);

    private static readonly ReferralRules Rules = new(
        true,
        new(500, false),
        new(250, true),
        ReferralRules.FirstPurchase,
        20m,
        null,
        null,
        ReferralRules.ClawBack,
        3,
        Duration.FromDays(1),
        null
    );

    private static ReferrerFacts AdaFacts(params Instant[] recent) => new(Ada, false, AdaSignals, recent);

    private static MakeReferral GraceJoins(ReferralSignals? signals = null, int purchases = 0) =>
        new(Grace, "K7Q4MX2P", signals ?? GraceSignals, purchases, Now, Till);

    private static IReadOnlyList<IReferralEvent> Make(
        MakeReferral? cmd = null,
        ReferrerFacts? referrer = null,
        ReferralRules? rules = null,
        Referral? existing = null
    ) => MakeReferral.Decide(cmd ?? GraceJoins(), referrer ?? AdaFacts(), existing, rules ?? Rules, 4, 14, "EUR");

    private static Referral? Fold(IEnumerable<IReferralEvent> events, Referral? from = null) =>
        events.Aggregate(from, Referral.Evolve);

    [Fact]
    public void a_referral_is_made_on_the_terms_in_force_and_waits_for_the_first_purchase()
    {
        var made = Assert.IsType<ReferralMade>(Assert.Single(Make()));

        Assert.Equal((Ada, Grace, "K7Q4MX2P"), (made.ReferrerId, made.ReferredId, made.Code));
        Assert.Equal(Referral.StreamIdFor(Grace), made.ReferralId);
        Assert.Equal(
            new ReferralTerms(4, new(500, false), new(250, true), "first-purchase", Eur(20m), "claw-back", 14),
            made.Terms
        );
        var referral = Fold([made])!;
        Assert.Equal(Referral.Referred, referral.Status);
        Assert.False(referral.Held);
    }

    [Fact]
    public void with_the_enrollment_as_trigger_it_qualifies_and_is_due_at_once()
    {
        var events = Make(rules: Rules with { Trigger = ReferralRules.Enrollment, MinimumPaid = null });

        var qualified = Assert.IsType<ReferralQualified>(events[^1]);
        Assert.Equal((Now, Now), (qualified.At, qualified.RewardDue));
        Assert.Equal(Referral.Qualified, Fold(events)!.Status);
    }

    public static TheoryData<string, Func<IReadOnlyList<IReferralEvent>>> Refusals =>
        new()
        {
            { "the program takes no referrals", () => Make(rules: Rules with { Enabled = false }) },
            { "belongs to no member", () => MakeReferral.Decide(GraceJoins(), null, null, Rules, 4, 14, "EUR") },
            { "is the member's own", () => Make(referrer: AdaFacts() with { MemberId = Grace }) },
            { "belongs to a member who left the program", () => Make(referrer: AdaFacts() with { Closed = true }) },
            { "comes after the member's first purchase", () => Make(GraceJoins(purchases: 1)) },
        };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void a_referral_that_cannot_be_is_refused_on_the_code(
        string reason,
        Func<IReadOnlyList<IReferralEvent>> decide
    )
    {
        var refused = Assert.Throws<RuleBroken>(decide);
        Assert.Equal(("referralCode", reason), (refused.Field, refused.Reason));
    }

    [Fact]
    public void a_member_is_referred_once()
    {
        var existing = Fold(Make());

        var refused = Assert.Throws<Conflict>(() => Make(existing: existing));
        Assert.Equal("referralCode", refused.Field);
    }

    [Fact]
    public void shared_signals_and_a_fast_referrer_hold_the_referral_with_the_reasons()
    {
        var sameInbox = GraceSignals with { Email = "A.D.A+friend@googlemail.com", Device = "phone-a" };
        var recent = new[] { Now - Duration.FromHours(2), Now - Duration.FromHours(5), Now - Duration.FromHours(9) };

        var events = Make(GraceJoins(sameInbox), AdaFacts(recent));

        var held = Assert.IsType<ReferralHeld>(events[1]);
        Assert.Equal(["same-email", "same-device", MakeReferral.Velocity], held.Reasons);
        Assert.True(Fold(events)!.Held);
    }

    [Fact]
    public void the_first_purchase_qualifies_it_with_the_reward_due_after_the_return_window()
    {
        var referral = Fold(Make());

        var events = QualifyReferral.OnFirstPurchase(referral, "pos/T1", Eur(25m), Now);

        var qualified = Assert.IsType<ReferralQualified>(Assert.Single(events));
        Assert.Equal(
            ("pos/T1", Eur(25m), Now + Duration.FromDays(14)),
            (qualified.Purchase, qualified.Paid, qualified.RewardDue)
        );
        Assert.Empty(QualifyReferral.OnFirstPurchase(Fold(events, referral), "pos/T2", Eur(90m), Now));
    }

    [Fact]
    public void a_first_purchase_below_the_minimum_fails_it()
    {
        var events = QualifyReferral.OnFirstPurchase(Fold(Make()), "pos/T1", Eur(19.99m), Now);

        Assert.IsType<ReferralFailed>(Assert.Single(events));
        Assert.Equal(Referral.Failed, Fold(events, Fold(Make()))!.Status);
    }

    [Fact]
    public void a_first_purchase_returned_in_full_before_it_is_heard_of_fails_it_even_without_a_minimum()
    {
        var made = Fold(Make(rules: Rules with { MinimumPaid = null }));

        var events = QualifyReferral.OnFirstPurchase(made, "pos/T1", Eur(0m), Now);

        Assert.Equal(
            "the first purchase paid 0 EUR, below the minimum",
            Assert.IsType<ReferralFailed>(Assert.Single(events)).Reason
        );
    }

    [Fact]
    public void a_first_purchase_paid_with_the_referrers_card_holds_it_as_it_qualifies()
    {
        var made = Fold(Make());

        var events = QualifyReferral.OnFirstPurchase(made, "pos/T1", Eur(25m), Now, ["same-payment"]);

        Assert.Equal(["same-payment"], Assert.IsType<ReferralHeld>(events[0]).Reasons);
        var referral = Fold(events, made)!;
        Assert.Equal((Referral.Qualified, true), (referral.Status, referral.Held));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(19.99, true)]
    [InlineData(20, false)]
    public void a_return_inside_the_window_fails_it_when_the_purchase_no_longer_pays_the_minimum(
        decimal stillPaid,
        bool fails
    )
    {
        var made = Fold(Make());
        var qualified = Fold(QualifyReferral.OnFirstPurchase(made, "pos/T1", Eur(25m), Now), made);

        var events = ReturnQualifyingPurchase.Decide(qualified, "pos/T1", stillPaid, Now + Duration.FromDays(3));

        Assert.Equal(fails, events.Count == 1);
        Assert.Empty(ReturnQualifyingPurchase.Decide(qualified, "pos/OTHER", 0m, Now));
    }

    [Fact]
    public void a_member_who_leaves_before_the_reward_fails_it()
    {
        var failed = FailReferral.OnMemberClosed(Fold(Make()), Now);

        Assert.Equal("the member left the program", Assert.IsType<ReferralFailed>(Assert.Single(failed)).Reason);
        Assert.Empty(FailReferral.OnMemberClosed(Fold(failed, Fold(Make())), Now));
    }

    [Fact]
    public void a_held_referral_is_approved_or_rejected_with_a_reason_and_a_rejected_one_is_final()
    {
        var held = Fold(Make(GraceJoins(AdaSignals)))!;
        var manager = new Actor("staff", "pm-1", "Pat");

        var approved = ReviewReferral.Decide(ReviewReferral.Parse(held.Id, "approve", "checked", Now, manager), held);
        Assert.False(Referral.Evolve(held, approved)!.Held);

        var rejected = ReviewReferral.Decide(
            ReviewReferral.Parse(held.Id, "reject", "same person", Now, manager),
            held
        );
        var ended = Referral.Evolve(held, rejected)!;
        Assert.Equal((Referral.Rejected, "same person"), (ended.Status, ended.Reason));
        Assert.Throws<Conflict>(() =>
            ReviewReferral.Decide(ReviewReferral.Parse(held.Id, "approve", "again", Now, manager), ended)
        );
    }

    [Fact]
    public void only_a_held_referral_can_be_approved_and_a_review_needs_a_decision_and_a_reason()
    {
        var open = Fold(Make())!;

        Assert.Throws<Conflict>(() =>
            ReviewReferral.Decide(ReviewReferral.Parse(open.Id, "approve", "ok", Now, Till), open)
        );
        Assert.Throws<NotFound>(() =>
            ReviewReferral.Decide(ReviewReferral.Parse(open.Id, "reject", "x", Now, Till), null)
        );
        Assert.Equal(
            "decision",
            Assert.Throws<InvalidInput>(() => ReviewReferral.Parse(open.Id, "maybe", "x", Now, Till)).Field
        );
        Assert.Equal(
            "reason",
            Assert.Throws<InvalidInput>(() => ReviewReferral.Parse(open.Id, "reject", " ", Now, Till)).Field
        );
    }
}

public class ReferralRewardTests
{
    private static Money Eur(decimal amount) => ReferralLifecycleTests.Eur(amount);

    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
    private static readonly Instant Bought = Instant.FromUtc(2026, 11, 10, 12, 0);
    private static readonly Instant Due = Bought + Duration.FromDays(14);

    private static Referral Qualified(int? monthlyCap = null, int? lifetimeCap = null, string onReturn = "claw-back")
    {
        var terms = new ReferralTerms(4, new(500, false), new(250, true), "first-purchase", Eur(20m), onReturn, 14)
        {
            MonthlyCap = monthlyCap,
            LifetimeCap = lifetimeCap,
        };
        var made = new ReferralMade(
            Guid.NewGuid(),
            Guid.NewGuid(),
            Guid.NewGuid(),
            "K7Q4MX2P",
            terms,
            Bought,
            Actor.System("t")
        );
        return new[]
        {
            (IReferralEvent)made,
            new ReferralQualified(made.ReferralId, "pos/T1", Eur(25m), Bought, Due),
        }.Aggregate((Referral?)null, Referral.Evolve)!;
    }

    [Fact]
    public void nothing_is_rewarded_before_the_return_window_has_passed_and_once_after()
    {
        var referral = Qualified();

        Assert.Empty(RewardReferral.WhenDue(referral, [], Amsterdam, Due - Duration.FromSeconds(1)));
        var rewarded = Assert.IsType<ReferralRewarded>(
            Assert.Single(RewardReferral.WhenDue(referral, [], Amsterdam, Due))
        );
        Assert.Equal(
            (500, 250, (string?)null),
            (rewarded.ReferrerPoints, rewarded.ReferredPoints, rewarded.ReferrerWithheld)
        );
        Assert.Empty(RewardReferral.WhenDue(Referral.Evolve(referral, rewarded), [], Amsterdam, Due));
    }

    [Fact]
    public void a_held_referral_waits_for_approval()
    {
        var held = Referral.Evolve(Qualified(), new ReferralHeld(Guid.Empty, ["same-device"], Bought))!;

        Assert.Empty(RewardReferral.WhenDue(held, [], Amsterdam, Due));
        var approved = Referral.Evolve(held, new ReferralApproved(held.Id, "ok", Due, Actor.System("pm")));
        Assert.Single(RewardReferral.WhenDue(approved, [], Amsterdam, Due));
    }

    [Fact]
    public void the_referrers_caps_count_local_months_and_never_withhold_the_new_members_share()
    {
        // Due on 24 November; 1 November 00:30 in Amsterdam is still 31 October in UTC.
        var earlierThisMonth = new[] { Instant.FromUtc(2026, 10, 31, 23, 30), Instant.FromUtc(2026, 11, 20, 9, 0) };
        var lastMonth = new[] { Instant.FromUtc(2026, 10, 31, 22, 30) };

        var monthly = RewardReferral.WhenDue(Qualified(monthlyCap: 2), earlierThisMonth, Amsterdam, Due);
        var underCap = RewardReferral.WhenDue(Qualified(monthlyCap: 2), lastMonth, Amsterdam, Due);
        var lifetime = RewardReferral.WhenDue(
            Qualified(lifetimeCap: 3),
            [.. earlierThisMonth, .. lastMonth],
            Amsterdam,
            Due
        );

        var capped = Assert.IsType<ReferralRewarded>(Assert.Single(monthly));
        Assert.Equal(
            (0, 250, "the monthly cap of 2 is reached"),
            (capped.ReferrerPoints, capped.ReferredPoints, capped.ReferrerWithheld)
        );
        Assert.Equal(500, Assert.IsType<ReferralRewarded>(Assert.Single(underCap)).ReferrerPoints);
        Assert.Equal(
            "the lifetime cap of 3 is reached",
            Assert.IsType<ReferralRewarded>(Assert.Single(lifetime)).ReferrerWithheld
        );
    }

    [Fact]
    public void a_referrer_who_left_is_given_nothing_and_the_new_member_still_is()
    {
        var rewarded = RewardReferral.WhenDue(Qualified(), [], Amsterdam, Due, referrerLeft: true);

        var reward = Assert.IsType<ReferralRewarded>(Assert.Single(rewarded));
        Assert.Equal(
            (0, 250, "the referrer left the program"),
            (reward.ReferrerPoints, reward.ReferredPoints, reward.ReferrerWithheld)
        );
    }

    [Theory]
    [InlineData("claw-back", 0, true)]
    [InlineData("claw-back", 19.99, true)]
    [InlineData("claw-back", 20, false)]
    [InlineData("keep", 0, false)]
    public void a_return_after_the_reward_claws_it_back_only_when_the_terms_say_so(
        string onReturn,
        decimal stillPaid,
        bool clawedBack
    )
    {
        var referral = Qualified(onReturn: onReturn);
        var rewarded = Referral.Evolve(referral, RewardReferral.WhenDue(referral, [], Amsterdam, Due).Single());

        var events = ReturnQualifyingPurchase.Decide(rewarded, "pos/T1", stillPaid, Due + Duration.FromDays(2));

        Assert.Equal(clawedBack, events.Count == 1);
        if (clawedBack)
            Assert.Equal(Referral.ClawedBack, Referral.Evolve(rewarded, events[0])!.Status);
    }
}
