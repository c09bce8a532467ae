using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using NodaTime;
using static Loyalty.Domain.Tests.Campaigns.Campaigns;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Campaigns;

public class CampaignSimulationTests
{
    [Fact]
    public void a_replay_gives_in_the_order_things_happened_within_limits_and_budget()
    {
        // Ada buys coffee twice on one day and once the next; Bob once, in between. ×2 on coffee gives 24 a time,
        // once a day, from a budget of 60: Ada 24, (Ada: the day's limit), Bob 24, Ada the next day 12, what is left.
        var ada = Member();
        ada.Then(ada.Record(Coffee("a1", Now)));
        ada.Then(ada.Record(Coffee("a2", Now + Duration.FromHours(1))));
        ada.Then(ada.Record(Coffee("a3", Now + Duration.FromDays(1))));
        var bob = new History([Enrolled() with { MemberId = Guid.NewGuid() }]);
        var bobId = bob.Events[0].MemberId;
        bob.Then(bob.Record(Coffee("b1", Now + Duration.FromHours(2))));
        var rules = Running(
            CampaignTrigger.Purchase,
            Multiplier(2),
            Skus("COFFEE-1KG"),
            limits: [new CampaignLimit(CampaignLimit.Day, Times: 1)],
            budget: 60
        );
        var streams = new Dictionary<Guid, IReadOnlyList<IMemberEvent>>
        {
            [MemberId] = ada.Events,
            [bobId] = bob.Events,
        };

        var result = CampaignSimulation.Run(
            rules,
            Now - Duration.FromDays(1),
            Now + Duration.FromDays(2),
            Program,
            streams
        );

        Assert.Equal((4, 2, 3, 60L), (result.Occasions, result.Members, result.Awards, result.Points));
        Assert.Equal(1, result.Withheld["limit reached: 1 time a day"]);
    }

    [Fact]
    public void what_happened_outside_the_period_is_not_replayed()
    {
        var ada = Member();
        ada.Then(ada.Record(Coffee("a1", Now)));
        var rules = Running(CampaignTrigger.Purchase, Multiplier(2), Skus("COFFEE-1KG"));

        var result = CampaignSimulation.Run(
            rules,
            Now + Duration.FromTicks(1),
            Now + Duration.FromDays(1),
            Program,
            new Dictionary<Guid, IReadOnlyList<IMemberEvent>> { [MemberId] = ada.Events }
        );

        Assert.Equal((0, 0L), (result.Occasions, result.Points));
    }
}
