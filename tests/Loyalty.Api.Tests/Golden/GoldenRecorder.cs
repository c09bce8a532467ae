using Loyalty.Api.Tests.Points;
using Loyalty.Domain.Automations;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Api.Tests.Golden;

/// <summary>
/// How the golden streams were first recorded: histories decided as the service decides them, written as the
/// store keeps events. It writes only the files that are missing (<c>LOYALTY_RECORD_GOLDEN=1</c>); a recorded
/// stream is never rewritten. <c>before-lots</c> is <c>every-event</c> with the fields added since taken out.
/// </summary>
public class GoldenRecorder
{
    private static readonly Guid MemberId = Guid.Parse("cccccccc-0000-0000-0000-000000000001");
    private static readonly Actor By = Actor.System("golden");
    private static readonly Instant Start = Instant.FromUtc(2026, 3, 2, 9, 0);

    [Fact]
    public void missing_golden_streams_are_recorded_when_asked()
    {
        if (Environment.GetEnvironmentVariable("LOYALTY_RECORD_GOLDEN") != "1")
            return;
        Write("every-event", EveryEvent(), Start + Duration.FromDays(400));
        Write("consolidated-by-event", ManyLots(recorded: true), Start + Duration.FromDays(30));
        Write("consolidated-in-fold", ManyLots(recorded: false), Start + Duration.FromDays(30));
        Write("campaigns", CampaignEvents(), Start + Duration.FromDays(30));
        Write("referrals", ReferralEvents(), Start + Duration.FromDays(30));
        Write("insight", InsightEvents(), Start + Duration.FromDays(120));
        Write("automations", AutomationEvents(), Start + Duration.FromDays(120));
    }

    /// <summary>
    /// A purchase, dormant after 90 quiet days, and a win-back automation that fires for it once: 200 points
    /// through its campaign, a tag and a webhook.
    /// </summary>
    private static List<IMemberEvent> AutomationEvents()
    {
        var program = Program();
        var zone = DateTimeZoneProviders.Tzdb[program.TimeZone];
        var h = Enrolled(recorded: true);
        var line = new PurchaseLine("1", "sku-1", "grocery", 1, 25, 0);
        var purchase = RecordPurchase.Parse("pos", "a1", "store-1", Start, "EUR", [line], Start, By);
        h.Add(RecordPurchase.Decide(h.Account, null, program, purchase));
        var dormant = Start + Duration.FromDays(91);
        h.Add(ReviewInsight.Decide(h.Account, program.Lifecycle, zone, dormant, null, By));
        var since = Start - Duration.FromDays(1);
        var campaign = new Campaign(
            "win-back-200",
            [
                new CampaignVersion(
                    1,
                    since,
                    new CampaignRules(
                        "Win back",
                        null,
                        CampaignRules.Active,
                        null,
                        null,
                        new CampaignTrigger(CampaignTrigger.Automation),
                        CampaignConditions.None,
                        new(CampaignEffect.PerPurchase, 200),
                        [],
                        10_000,
                        0,
                        false
                    ),
                    "changed"
                ),
            ]
        );
        var rules = new AutomationRules(
            "Win back the dormant",
            null,
            AutomationRules.Active,
            new AutomationTrigger(AutomationTrigger.EnteredStage, Stage: LifecycleStage.Dormant),
            AutomationCondition.None,
            [
                new(AutomationAction.Award, Campaign: "win-back-200"),
                new(AutomationAction.Webhook),
                new(AutomationAction.TagMember, Tag: "win-back"),
            ]
        );
        var automation = new Automation("win-back", [new AutomationVersion(1, since, rules)]);
        var budgets = new Dictionary<string, long> { ["win-back-200"] = 10_000 };
        h.Add(FireAutomations.Decide(h.Account, null, program, [automation], [campaign], budgets, dormant));
        return h.Events;
    }

    /// <summary>A purchase, the first review (active), the night's segment, then at risk after 60 quiet days.</summary>
    private static List<IMemberEvent> InsightEvents()
    {
        var program = Program();
        var zone = DateTimeZoneProviders.Tzdb[program.TimeZone];
        var h = Enrolled(recorded: true);
        var line = new PurchaseLine("1", "sku-1", "grocery", 2, 20, 0);
        var purchase = RecordPurchase.Parse("pos", "i1", "store-1", Start, "EUR", [line], Start, By);
        h.Add(RecordPurchase.Decide(h.Account, null, program, purchase));
        var night = Start + Duration.FromDays(40);
        var scores = new RfmScore(3, 2, 4);
        var verdict = new SegmentVerdict(Segments.Of(scores), scores, night.InZone(zone).Date);
        h.Add(ReviewInsight.Decide(h.Account, program.Lifecycle, zone, night, verdict, By));
        h.Add(ReviewInsight.Decide(h.Account, program.Lifecycle, zone, Start + Duration.FromDays(61), null, By));
        return h.Events;
    }

    /// <summary>
    /// A new member enrolled on a device, with a generated and then a vanity code, a first purchase paid by a
    /// fingerprinted card, the referral's reward when due, and its claw-back.
    /// </summary>
    private static List<IMemberEvent> ReferralEvents()
    {
        var program = Program();
        var joined = Start - Duration.FromDays(1);
        var h = Enrolled(recorded: true);
        h.Events[0] = (MemberEnrolled)h.Events[0] with { Device = SelfReferral.Hashed("device-1") };
        h.Add([new ReferralCodeAssigned(MemberId, ReferralCode.For(MemberId), false, joined, By)]);
        h.Add([new ReferralCodeAssigned(MemberId, "ADA2026", true, joined + Duration.FromHours(1), By)]);
        var bought = Start + Duration.FromDays(1);
        var line = new PurchaseLine("1", "sku-1", "grocery", 1, 30, 0);
        var purchase = RecordPurchase.Parse("pos", "f1", "store-1", bought, "EUR", [line], bought, By, null, "card-1");
        h.Add(RecordPurchase.Decide(h.Account, null, program, purchase));
        var terms = new ReferralTerms(
            1,
            new(500, false),
            new(250, true),
            "first-purchase",
            new(20, "EUR"),
            "claw-back",
            14
        );
        var referrer = Guid.Parse("dddddddd-0000-0000-0000-000000000001");
        var id = Referral.StreamIdFor(MemberId);
        var referral = new Referral(id, referrer, MemberId, terms, Referral.Rewarded, joined, []);
        var due = bought + Duration.FromDays(14);
        h.Add(
            ReferralPoints.Following(new ReferralRewarded(id, 500, 250, null, due), referral, h.Account, program, By)
        );
        var returned = new ReferralClawedBack(id, "the qualifying purchase was returned", due + Duration.FromDays(1));
        h.Add(ReferralPoints.Following(returned, referral, h.Account, program, By));
        return h.Events;
    }

    /// <summary>
    /// A welcome bonus, sign-ins under a daily limit, a purchase with a multiplier and a first-purchase bonus, then a
    /// partial and a full return.
    /// </summary>
    private static List<IMemberEvent> CampaignEvents()
    {
        var program = Program();
        var h = Enrolled(recorded: true);
        Campaign Running(string code, string trigger, CampaignEffect effect, CampaignConditions? conditions = null) =>
            new(
                code,
                [
                    new CampaignVersion(
                        1,
                        Start - Duration.FromDays(2),
                        new CampaignRules(
                            code,
                            null,
                            CampaignRules.Active,
                            null,
                            null,
                            new CampaignTrigger(trigger, trigger == CampaignTrigger.Engagement ? "sign-in" : null),
                            conditions ?? CampaignConditions.None,
                            effect,
                            [new CampaignLimit(CampaignLimit.Day, Times: 1)],
                            1000,
                            0,
                            false
                        ),
                        "changed"
                    ),
                ]
            );
        var budgets = new Dictionary<string, long>();
        var welcome = Running("welcome", CampaignTrigger.Enrollment, new(CampaignEffect.PerPurchase, 100));
        h.Add(WelcomeBonus.Following((MemberEnrolled)h.Events[0], program, [welcome], budgets).Skip(1));
        var signIn = Running("sign-in", CampaignTrigger.Engagement, new(CampaignEffect.PerPurchase, 5));
        foreach (var (id, hours) in new[] { ("e1", 1), ("e2", 2), ("e3", 30) })
        {
            var at = Start + Duration.FromHours(hours);
            var engagement = RecordEngagement.Parse(id, "sign-in", at, null, at, By);
            h.Add(RecordEngagement.Decide(h.Account, program, [signIn], budgets, engagement));
        }
        var coffee = Running(
            "coffee",
            CampaignTrigger.Purchase,
            new(CampaignEffect.Multiplies, Multiplier: 2, Qualifying: true, ExpiresAfterDays: 60),
            new(Skus: ["sku-1"])
        );
        var first = Running(
            "first",
            CampaignTrigger.FirstPurchase,
            new(CampaignEffect.PerPurchase, 50),
            new(MinimumAmount: 20, MinimumOnPurchase: true)
        );
        var bought = Start + Duration.FromDays(2);
        var purchase = RecordPurchase.Parse(
            "pos",
            "c1",
            "store-1",
            bought,
            "EUR",
            [new PurchaseLine("1", "sku-1", "grocery", 3, 10, 0), new PurchaseLine("2", "sku-2", "home", 1, 5, 0)],
            bought,
            By
        );
        h.Add(RecordPurchase.DecideWithCampaigns(h.Account, null, program, [coffee, first], budgets, purchase));
        foreach (var (returnId, quantity) in new[] { ("r1", 1m), ("r2", 2m) })
        {
            var at = bought + Duration.FromDays(1);
            var back = ReturnPurchase.Parse("pos", "c1", returnId, [new ReturnLine("1", quantity)], at, at, By);
            h.Add(ReturnPurchase.DecideWithCampaigns(h.Account, h.Purchase("c1"), back));
        }
        return h.Events;
    }

    private static ProgramSettings Program()
    {
        var rules = TierRules.From(
            TierRules.QualifyingPoints,
            TierRules.Rolling12Months,
            TierRules.Anniversary,
            TierRules.OneTier,
            30,
            [new Tier("bronze", "Bronze", 0, 1, []), new Tier("silver", "Silver", 100, 1.5m, ["free shipping"])]
        );
        var plan = new MembershipPlan(
            "plus",
            "Plus",
            new Money(9.99m, "EUR"),
            MembershipPlan.Monthly,
            2,
            "silver",
            50,
            ["free returns"]
        );
        return new ProgramSettings(
            2,
            "EUR",
            "Europe/Amsterdam",
            new EarnRate(1, 1),
            ProgramSettings.FloorPerPurchase,
            PendingDays: 7,
            Expiry: ExpiryPolicy.From("rolling", 12),
            PointValue: new PointValue(100, 1m)
        )
        {
            TierVersions = [new TierRulesVersion(2, Start - Duration.FromDays(1), rules)],
            MembershipPlans = [plan],
            MembershipGraceDays = 7,
        };
    }

    private static List<IMemberEvent> EveryEvent()
    {
        var program = Program();
        var h = Enrolled(recorded: true);
        var at = Start;
        h.Add(Purchase(h, program, "t1", at, ("1", 2, 30m), ("2", 1, 50m)));
        h.Add(Purchase(h, program, "t2", at + Duration.FromHours(1), ("1", 1, 40m)));
        at += Duration.FromDays(10);
        h.Add(
            ReturnPurchase.Decide(
                h.Account,
                h.Purchase("t1"),
                ReturnPurchase.Parse("pos", "t1", "r1", [new ReturnLine("1", 1)], at, at, By)
            )
        );
        h.Add(
            RedeemPoints.Decide(
                h.Account,
                null,
                program,
                RedeemPoints.Parse("x1", 20, null, null, "coffee", "app", at, By)
            )
        );
        h.Add(CancelRedemption.Decide(h.Account, h.Redemption("x1"), CancelRedemption.Parse("x1", "oops", at, By)));
        h.Add(
            RedeemPoints.Decide(
                h.Account,
                null,
                program,
                RedeemPoints.Parse("x2", null, 0.30m, "EUR", "discount", "pos", at, By)
            )
        );
        h.Add(
            TierQualification.Following(
                h.Account,
                AdjustPoints.Decide(h.Account, program, AdjustPoints.Parse("a1", 25, "goodwill", true, at, By)),
                program,
                at,
                By
            )
        );
        h.Add(AdjustPoints.Decide(h.Account, program, AdjustPoints.Parse("a2", -5, "correction", false, at, By)));
        h.Add(PlaceHold.Decide(h.Account, null, program, PlaceHold.Parse("h1", 30, null, null, 900, "o-1", at, By)));
        h.Add(CaptureHold.Decide(h.Account, h.Hold("h1"), program, CaptureHold.Parse("h1", 20, at, By)));
        h.Add(PlaceHold.Decide(h.Account, null, program, PlaceHold.Parse("h2", 10, null, null, 900, null, at, By)));
        h.Add(ReleaseHold.Decide(h.Account, h.Hold("h2"), new ReleaseHold("h2", at, By)));
        h.Add(PlaceHold.Decide(h.Account, null, program, PlaceHold.Parse("h3", 5, null, null, 60, null, at, By)));
        h.Add(ReleaseExpiredHold.Decide(h.Account, h.Hold("h3"), at + Duration.FromMinutes(2), By));
        at += Duration.FromDays(1);
        h.Add(
            AssignTier.Decide(
                h.Account,
                program,
                AssignTier.Parse("as1", "silver", "vip", at + Duration.FromDays(30), at, By)
            )
        );
        h.Add(
            MembershipReport.Decide(
                h.Account,
                program,
                MembershipReport.Parse(MembershipReport.Purchased, "pay-1", "plus", false, at, By)
            )
        );
        h.Add(
            MembershipReport.Decide(
                h.Account,
                program,
                MembershipReport.Parse(
                    MembershipReport.PaymentFailed,
                    "pay-2",
                    null,
                    false,
                    at + Duration.FromDays(29),
                    By
                )
            )
        );
        h.Add(
            MembershipReport.Decide(
                h.Account,
                program,
                MembershipReport.Parse(MembershipReport.Renewed, "pay-3", null, false, at + Duration.FromDays(30), By)
            )
        );
        h.Add(
            MembershipReport.Decide(
                h.Account,
                program,
                MembershipReport.Parse(MembershipReport.Cancelled, "pay-4", null, false, at + Duration.FromDays(31), By)
            )
        );
        h.Add(MembershipReport.EndIfDue(h.Account, at + Duration.FromDays(70), By));
        var review = h.Account.Tier.ReviewAt!.Value;
        h.Add(TierQualification.Review(h.Account, program, review + Duration.FromDays(1), By));
        h.Add(TierQualification.Review(h.Account, program, review + Duration.FromDays(40), By));
        h.Add(Purchase(h, program, "t3", review + Duration.FromDays(41), ("1", 1, 120m)));
        h.Add(TierQualification.Review(h.Account, program, h.Account.Tier.ReviewAt!.Value, By));
        h.Add(TierQualification.Review(h.Account, program, h.Account.Tier.ReviewAt!.Value, By));
        h.Add(TierQualification.Review(h.Account, program, h.Account.Tier.GraceUntil!.Value, By));
        h.Add(ExpirePoints.Decide(h.Account, new ExpirePoints(Start + Duration.FromDays(400), By)));
        h.Add([
            new MemberProfileUpdated(
                MemberId,
                new MemberProfile("Ada L.", "ada@example.com", null, new LocalDate(1990, 12, 10), "Europe/Amsterdam"),
                Start + Duration.FromDays(400),
                By
            ),
        ]);
        h.Add([new MemberClosed(MemberId, "moved away", Start + Duration.FromDays(400), By)]);
        return h.Events;
    }

    private static List<IMemberEvent> ManyLots(bool recorded)
    {
        var program = Program() with { PendingDays = 0, TierVersions = [] };
        var h = Enrolled(recorded);
        for (var i = 0; i < 2 * ConsolidateLots.SeparateLots + 5; i++)
            h.Add(
                ConsolidateLots.Following(
                    h.Account,
                    Purchase(h, program, $"t{i}", Start + Duration.FromMinutes(i), ("1", 1, 1 + i % 7))
                )
            );
        var at = Start + Duration.FromDays(20);
        h.Add(
            ConsolidateLots.Following(
                h.Account,
                RedeemPoints.Decide(
                    h.Account,
                    null,
                    program,
                    RedeemPoints.Parse("x1", 300, null, null, "gift", null, at, By)
                )
            )
        );
        return h.Events;
    }

    private static IReadOnlyList<IMemberEvent> Purchase(
        MemberStream h,
        ProgramSettings program,
        string id,
        Instant at,
        params (string Line, decimal Quantity, decimal Price)[] lines
    )
    {
        var command = RecordPurchase.Parse(
            "pos",
            id,
            "store-1",
            at,
            "EUR",
            lines.Select(l => new PurchaseLine(l.Line, "sku-" + l.Line, "grocery", l.Quantity, l.Price, 0)).ToArray(),
            at,
            By
        );
        var earned = RecordPurchase.Decide(h.Account, h.Purchase(id), program, command);
        return TierQualification.Following(h.Account, earned, program, at, By);
    }

    private static void Write(string name, IReadOnlyList<IMemberEvent> events, Instant now)
    {
        var file = Path.Combine(GoldenStreamTests.Folder(), $"{name}.events.json");
        if (File.Exists(file))
            return;
        // One event a line, as the store keeps it: easy to read, and to diff should anyone ever touch it.
        var lines = events.Select(e =>
            $"{{\"type\":\"{e.GetType().Name}\",\"data\":{GoldenStreamTests.Store.ToJson(e)}}}"
        );
        File.WriteAllText(file, $"{{\"now\":\"{now}\",\"events\":[\n{string.Join(",\n", lines)}\n]}}\n");
    }

    private static MemberStream Enrolled(bool recorded) =>
        new(
            MemberId,
            [
                new MemberEnrolled(
                    MemberId,
                    "card-golden",
                    new MemberProfile("Ada", null, null, null, "Europe/Amsterdam"),
                    Start - Duration.FromDays(1),
                    By,
                    recorded ? true : null
                ),
            ]
        );
}
