using Loyalty.Domain.Common;
using Loyalty.Domain.Referrals;
using NodaTime;

namespace Loyalty.Domain.Tests.Referrals;

public class ReferralRulesTests
{
    private static readonly ReferralRules Good = new(
        true,
        new(500, false),
        new(250, true),
        ReferralRules.FirstPurchase,
        20m,
        3,
        20,
        ReferralRules.ClawBack,
        5,
        Duration.FromDays(1),
        "https://shop.example/join?ref={code}"
    );

    [Fact]
    public void good_rules_pass_and_the_share_link_carries_the_code()
    {
        Assert.Same(Good, ReferralRules.Check(Good));
        Assert.Equal("https://shop.example/join?ref=K7Q4MX2P", Good.LinkFor("K7Q4MX2P"));
        Assert.Null((Good with { ShareLink = null }).LinkFor("K7Q4MX2P"));
    }

    public static TheoryData<string, ReferralRules> Broken =>
        new()
        {
            { "referrer.points", Good with { Referrer = new(-1, false) } },
            { "referred.points", Good with { Referred = new(ReferralRules.MaxPoints + 1, false) } },
            { "trigger", Good with { Trigger = "first-visit" } },
            { "minimumPaid", Good with { MinimumPaid = -1m } },
            { "minimumPaid", Good with { Trigger = ReferralRules.Enrollment } },
            { "monthlyCap", Good with { MonthlyCap = 0 } },
            { "lifetimeCap", Good with { LifetimeCap = 0 } },
            { "monthlyCap", Good with { MonthlyCap = 30 } },
            { "onReturn", Good with { OnReturn = "forget" } },
            { "velocityLimit", Good with { VelocityLimit = 0 } },
            { "velocityWindowHours", Good with { VelocityWindow = Duration.Zero } },
            { "velocityWindowHours", Good with { VelocityWindow = Duration.FromDays(367) } },
            { "shareLink", Good with { ShareLink = "https://shop.example/join" } },
            { "shareLink", Good with { ShareLink = "http://shop.example/join?ref={code}" } },
            { "shareLink", Good with { ShareLink = "join?ref={code}" } },
            { "referrer.points", Good with { Referrer = new(0, false), Referred = new(0, false) } },
        };

    [Theory]
    [MemberData(nameof(Broken))]
    public void each_broken_rule_is_refused_naming_its_field(string field, ReferralRules rules)
    {
        var refused = Assert.Throws<InvalidInput>(() => ReferralRules.Check(rules));
        Assert.Equal(field, refused.Field);
    }

    [Fact]
    public void rules_switched_off_may_give_nothing()
    {
        Assert.Same(ReferralRules.Off, ReferralRules.Check(ReferralRules.Off));
    }
}
