using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Points;
using static Loyalty.Domain.Tests.Campaigns.Campaigns;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Campaigns;

public class CampaignReturnsTests
{
    private static readonly Campaign Doubled = Campaign(
        "coffee",
        Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG"))
    );

    [Fact]
    public void returned_units_give_back_their_campaign_points_with_the_rounding_of_base_points()
    {
        var member = Member();
        member.Buy(Coffee("t1"), [Doubled]);

        var first = member.Bring(Return("t1", "r1", new ReturnLine("1", 1))).Reversals().Single();
        var rest = member.Bring(Return("t1", "r2", new ReturnLine("1", 1))).Reversals().Single();

        Assert.Equal((12, false), (first.Points, first.Withdrawn)); // floor(24 × 1 ÷ 2)
        Assert.Equal((12, true), (rest.Points, rest.Withdrawn)); // every unit it counted is back
        Assert.Equal(Lot.IdFor(new LotSource(LotSource.Campaign, "coffee/pos/t1")), first.Taken.Single().LotId);
        Assert.Equal(8, member.Account.Balance.Outstanding); // the mug's 8 points
        Assert.Equal(
            (0, 0L),
            (member.Account.CampaignUse("coffee").Times, member.Account.CampaignUse("coffee").Points)
        );
    }

    [Fact]
    public void a_bonus_per_purchase_is_kept_while_its_minimum_holds_and_withdrawn_when_it_does_not()
    {
        var basket = Campaign(
            "basket",
            Running(
                CampaignTrigger.Purchase,
                Gives(CampaignEffect.PerPurchase, 100),
                new(MinimumAmount: 20, MinimumOnPurchase: true)
            )
        );
        var member = Member();
        member.Buy(Coffee("t1"), [basket]); // 32.99 paid

        var mug = member.Bring(Return("t1", "r1", new ReturnLine("2", 1))); // 24.00 left: still ≥ 20
        var bag = member.Bring(Return("t1", "r2", new ReturnLine("1", 1))); // 12.00 left

        Assert.Empty(mug.OfType<CampaignPointsReversed>());
        var withdrawn = bag.Reversals().Single();
        Assert.Equal((100, true), (withdrawn.Points, withdrawn.Withdrawn));
        Assert.Equal(0, member.Account.CampaignUse("basket").Times); // the limit's use comes back
    }

    [Fact]
    public void a_bonus_per_purchase_without_a_minimum_goes_only_with_the_whole_purchase()
    {
        var bonus = Campaign("bonus", Running(CampaignTrigger.Purchase, Gives(CampaignEffect.PerPurchase, 50)));
        var member = Member();
        member.Buy(Coffee("t1"), [bonus]);

        Assert.Empty(member.Bring(Return("t1", "r1", new ReturnLine("1", 2))).OfType<CampaignPointsReversed>());
        Assert.True(member.Bring(Return("t1", "r2", new ReturnLine("2", 1))).Reversals().Single().Withdrawn);
    }

    [Fact]
    public void campaign_points_already_spent_become_a_deficit_like_base_points()
    {
        var member = Member();
        member.Buy(Coffee("t1"), [Doubled]);
        member.Then(member.Redeem(Redeem("x", 50)));

        var reversed = member.Bring(Return("t1", "r1", new ReturnLine("1", 2), new ReturnLine("2", 1)));

        Assert.Equal(0, member.Account.Balance.Outstanding);
        Assert.Equal(50, member.Account.Balance.Deficit); // 56 earned, 50 spent, 56 taken back
        Assert.Equal(
            50,
            reversed.OfType<PointsReversed>().Single().AddedToDeficit
                + reversed.OfType<CampaignPointsReversed>().Single().AddedToDeficit
        );
    }
}
