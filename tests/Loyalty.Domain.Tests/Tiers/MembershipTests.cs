using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Tests.Tiers;

/// <summary>
/// A paid plan: 9.99 EUR a month, earn ×2, at least Silver, 500 bonus points a period; 7 days of grace.
/// </summary>
public class MembershipTests
{
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
    private static readonly Actor Billing = Actor.System("billing");
    private static readonly Actor Job = Actor.System("standing-review");

    private static readonly MembershipPlan Plus = new(
        "plus",
        "Plus",
        new Money(9.99m, "EUR"),
        MembershipPlan.Monthly,
        2,
        "silver",
        500,
        ["free returns"]
    );

    private static ProgramSettings Program() =>
        TierTests.Program() with
        {
            MembershipPlans = [Plus],
            MembershipGraceDays = 7,
        };

    private static Instant Local(int year, int month, int day, int hour = 0) =>
        Amsterdam.AtStrictly(new LocalDateTime(year, month, day, hour, 0)).ToInstant();

    private static IMemberEvent[] Report(History member, string kind, string reference, Instant at, bool refund = false)
    {
        var decided = MembershipReport.Decide(
            member.Account,
            Program(),
            MembershipReport.Parse(kind, reference, "plus", refund, at, Billing)
        );
        member.Then(decided);
        return decided;
    }

    [Fact]
    public void a_purchase_starts_a_period_to_the_same_local_date_next_month_and_credits_its_bonus_once()
    {
        var member = Given.Member();
        var decided = Report(member, MembershipReport.Purchased, "pay-1", Given.Now);

        var bought = Assert.IsType<MembershipPurchased>(decided[0]);
        Assert.Equal((Given.Now, Local(2026, 12, 24)), (bought.PeriodStart, bought.PeriodEnd));
        var bonus = Assert.IsType<MembershipBonusEarned>(decided[1]);
        Assert.Equal((500, "pay-1"), (bonus.Points, bonus.PaymentReference));
        Assert.Equal(500, member.Account.Balance.Outstanding);
        Assert.Equal(
            "paymentReference",
            Assert.Throws<Conflict>(() => Report(member, MembershipReport.Renewed, "pay-1", Given.Now)).Field
        );
    }

    [Fact]
    public void a_renewal_follows_the_current_period_and_credits_the_new_period_bonus()
    {
        var member = Given.Member();
        Report(member, MembershipReport.Purchased, "pay-1", Local(2027, 1, 31, 10));
        var renewed = Assert.IsType<MembershipRenewed>(
            Report(member, MembershipReport.Renewed, "pay-2", Local(2027, 2, 27))[0]
        );

        // 31 Jan + 1 month = 28 Feb
        Assert.Equal((Local(2027, 2, 28), Local(2027, 3, 28)), (renewed.PeriodStart, renewed.PeriodEnd));
        Assert.Equal(1000, member.Account.Balance.Outstanding);
        Assert.Equal(Membership.Active, member.Account.Membership!.StatusAt(Local(2027, 3, 27)));
    }

    [Fact]
    public void benefits_are_active_exactly_while_the_membership_is_and_its_end_is_recorded_once()
    {
        var member = Given.Member();
        Report(member, MembershipReport.Purchased, "pay-1", Given.Now);
        var end = Local(2026, 12, 24);

        Assert.Equal(
            [new EarnMultiplier("tier", "silver", 1.25m), new EarnMultiplier("membership", "plus", 2)],
            RecordPurchase.MultipliersOf(member.Account, Program(), end - Duration.Epsilon)
        );
        Assert.Empty(RecordPurchase.MultipliersOf(member.Account, Program(), end));
        Assert.Equal(
            "silver",
            TierHeld
                .At(
                    member.Account.Tier,
                    member.Account.Membership,
                    Program().TiersAt(end)!.Rules,
                    end - Duration.Epsilon
                )
                .Tier!.Code
        );
        Assert.Equal(
            "bronze",
            TierHeld.At(member.Account.Tier, member.Account.Membership, Program().TiersAt(end)!.Rules, end).Tier!.Code
        );

        Assert.Empty(MembershipReport.EndIfDue(member.Account, end - Duration.Epsilon, Job));
        var ended = Assert.IsType<MembershipEnded>(
            Assert.Single(MembershipReport.EndIfDue(member.Account, end + Duration.FromMinutes(3), Job))
        );
        Assert.Equal((MembershipEnded.Expired, end), (ended.Reason, ended.At));
        member.Then([ended]);
        Assert.Empty(MembershipReport.EndIfDue(member.Account, end + Duration.FromMinutes(4), Job)); // run twice: once
    }

    [Fact]
    public void the_tier_and_membership_multipliers_add_their_bonuses()
    {
        var member = Given.Member();
        Report(member, MembershipReport.Purchased, "pay-1", Given.Now);
        var earned = member.Record(Given.Purchase("T1", Given.Line("1", 1, 100)), Program()).Single();

        // 1 + 0.25 + 1 = ×2.25, not 1.25 × 2 = ×2.5
        Assert.Equal((100, 225), (earned.BasePoints!.Value, earned.Points));
    }

    [Fact]
    public void a_failed_payment_keeps_the_membership_for_the_grace_days_then_it_ends()
    {
        var member = Given.Member();
        Report(member, MembershipReport.Purchased, "pay-1", Given.Now);
        var failed = Assert.IsType<MembershipPaymentFailed>(
            Assert.Single(Report(member, MembershipReport.PaymentFailed, "pay-2", Local(2026, 12, 23)))
        );

        Assert.Equal(Local(2026, 12, 31), failed.GraceUntil);
        Assert.Equal(Membership.PastDue, member.Account.Membership!.StatusAt(Local(2026, 12, 28)));
        var ended = Assert.IsType<MembershipEnded>(
            Assert.Single(MembershipReport.EndIfDue(member.Account, Local(2027, 1, 1), Job))
        );
        Assert.Equal((MembershipEnded.PaymentFailed, Local(2026, 12, 31)), (ended.Reason, ended.At));
    }

    [Fact]
    public void a_renewal_during_grace_continues_from_the_old_period_end()
    {
        var member = Given.Member();
        Report(member, MembershipReport.Purchased, "pay-1", Given.Now);
        Report(member, MembershipReport.PaymentFailed, "pay-2", Local(2026, 12, 23, 23));
        var renewed = Assert.IsType<MembershipRenewed>(
            Report(member, MembershipReport.Renewed, "pay-3", Local(2026, 12, 26))[0]
        );

        Assert.Equal((Local(2026, 12, 24), Local(2027, 1, 24)), (renewed.PeriodStart, renewed.PeriodEnd));
        Assert.Equal(
            (Membership.Active, (Instant?)null),
            (member.Account.Membership!.StatusAt(Local(2026, 12, 26)), member.Account.Membership.GraceUntil)
        );
    }

    [Fact]
    public void a_cancellation_ends_at_the_period_end_or_at_once_with_a_refund()
    {
        var atEnd = Given.Member();
        Report(atEnd, MembershipReport.Purchased, "pay-1", Given.Now);
        Assert.Single(Report(atEnd, MembershipReport.Cancelled, "cancel-1", Given.Now + Duration.FromDays(3)));
        Assert.Equal(Membership.Cancelled, atEnd.Account.Membership!.StatusAt(Local(2026, 12, 23)));
        Assert.Equal(
            MembershipEnded.Cancelled,
            Assert
                .IsType<MembershipEnded>(MembershipReport.EndIfDue(atEnd.Account, Local(2026, 12, 24), Job).Single())
                .Reason
        );
        Assert.Equal(
            "paymentReference",
            Assert.Throws<RuleBroken>(() => Report(atEnd, MembershipReport.Renewed, "pay-2", Local(2026, 12, 1))).Field
        );

        var refunded = Given.Member();
        Report(refunded, MembershipReport.Purchased, "pay-1", Given.Now);
        var decided = Report(
            refunded,
            MembershipReport.Cancelled,
            "cancel-1",
            Given.Now + Duration.FromDays(3),
            refund: true
        );
        Assert.Equal(Given.Now + Duration.FromDays(3), Assert.IsType<MembershipEnded>(decided[1]).At);
        Assert.Equal(Membership.Ended, refunded.Account.Membership!.StatusAt(Given.Now + Duration.FromDays(3)));
        Assert.Empty(MembershipReport.EndIfDue(refunded.Account, Local(2027, 1, 1), Job));
    }

    [Fact]
    public void reports_that_do_not_fit_the_membership_are_refused_naming_the_field()
    {
        var member = Given.Member();
        Assert.Equal(
            "paymentReference",
            Assert.Throws<RuleBroken>(() => Report(member, MembershipReport.Renewed, "pay-1", Given.Now)).Field
        );
        Assert.Equal(
            "plan",
            Assert
                .Throws<RuleBroken>(() =>
                    MembershipReport.Decide(
                        member.Account,
                        Program(),
                        MembershipReport.Parse(
                            MembershipReport.Purchased,
                            "pay-1",
                            "gold-card",
                            false,
                            Given.Now,
                            Billing
                        )
                    )
                )
                .Field
        );
        Report(member, MembershipReport.Purchased, "pay-1", Given.Now);
        Assert.Equal(
            "plan",
            Assert.Throws<RuleBroken>(() => Report(member, MembershipReport.Purchased, "pay-2", Given.Now)).Field
        );
    }

    [Fact]
    public void plans_are_checked_against_the_program_currency_and_tiers()
    {
        var program = Program();
        Assert.Equal(
            "plans[0].price.currency",
            Assert
                .Throws<RuleBroken>(() =>
                    ChangeMembershipPlans.Decide(
                        program,
                        ChangeMembershipPlans.Parse(
                            [Plus with { Price = new Money(9.99m, "USD") }],
                            7,
                            null,
                            Given.Now,
                            Billing
                        )
                    )
                )
                .Field
        );
        Assert.Equal(
            "plans[0].minimumTier",
            Assert
                .Throws<RuleBroken>(() =>
                    ChangeMembershipPlans.Decide(
                        program,
                        ChangeMembershipPlans.Parse(
                            [Plus with { MinimumTier = "diamond" }],
                            7,
                            null,
                            Given.Now,
                            Billing
                        )
                    )
                )
                .Field
        );
        Assert.Equal(
            "plans[0].period",
            Assert
                .Throws<InvalidInput>(() =>
                    ChangeMembershipPlans.Parse([Plus with { Period = "weekly" }], 7, null, Given.Now, Billing)
                )
                .Field
        );
    }
}
