using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Points;
using NodaTime;
using static Loyalty.Domain.Tests.Campaigns.Campaigns;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Campaigns;

/// <summary>
/// Random histories of purchases and returns by four members under one campaign with a budget and monthly limits,
/// the budget kept as the service keeps it (what awards gave, less what returns took back). After every step: the
/// budget is never overspent, each member's awards in a local month (net of returns, counted from the events)
/// stay within the limits, what a return takes back comes off the budget and the member's use exactly, and no
/// balance goes below zero.
/// </summary>
public class CampaignPropertiesTests
{
    [Fact]
    public void budgets_and_limits_are_never_exceeded_and_returns_give_them_back()
    {
        for (var seed = 1; seed <= 200; seed++)
            Run(seed);
    }

    private static void Run(int seed)
    {
        var random = new Random(seed);
        var (times, points, budget) = (random.Next(1, 4), random.Next(20, 120), random.Next(40, 400));
        var campaign = Campaign(
            "c",
            Running(
                CampaignTrigger.Purchase,
                Multiplier(random.Next(2, 4)),
                Skus("COFFEE-1KG"),
                limits: [new CampaignLimit(CampaignLimit.Month, times, points)],
                budget: budget
            ),
            effectiveFrom: Now - Duration.FromDays(400)
        );
        var members = Enumerable.Range(0, 4).Select(_ => Member()).ToArray();
        var bought = members.Select(_ => new List<string>()).ToArray();
        var used = 0L;
        for (var step = 0; step < 60; step++)
        {
            var at = Now + Duration.FromHours(13 * step);
            var m = random.Next(members.Length);
            var member = members[m];
            if (bought[m].Count == 0 || random.Next(10) < 7)
            {
                var id = $"t{step}";
                var left = new Dictionary<string, long> { ["c"] = budget - used };
                used += member.Buy(Coffee(id, at), [campaign], left).Awards().Sum(a => a.Points);
                bought[m].Add(id);
            }
            else
            {
                var id = bought[m][random.Next(bought[m].Count)];
                var line = random.Next(2) == 0 ? "1" : "2";
                var purchase = member.Purchase(id)!;
                if (purchase.Lines[line].ReturnedQuantity == purchase.Lines[line].Quantity)
                    continue;
                var back = ReturnPurchase.Parse("pos", id, $"r{step}", [new ReturnLine(line, 1)], at, at, Till);
                var useBefore = member.Account.CampaignUse("c").Points;
                var taken = member.Bring(back).OfType<CampaignPointsReversed>().Sum(r => r.Points);
                used -= taken;
                Assert.Equal(useBefore - taken, member.Account.CampaignUse("c").Points);
            }

            Assert.InRange(used, 0, budget);
            Assert.Equal(used, members.Sum(h => h.Account.CampaignUse("c").Points));
            foreach (var h in members)
            {
                Assert.True(h.Account.Balance.Outstanding >= 0, $"seed {seed}: a balance went below zero");
                foreach (var (month, awards, net) in Months(h))
                {
                    Assert.True(awards <= times, $"seed {seed}: {awards} awards in {month}, limit {times}");
                    Assert.True(net <= points, $"seed {seed}: {net} points in {month}, limit {points}");
                }
            }
        }
    }

    /// <summary>Per local month, from the events alone: awards still standing, and points net of returns.</summary>
    private static IEnumerable<(LocalDate Month, int Awards, long Net)> Months(History member)
    {
        var reversed = member
            .Events.OfType<CampaignPointsReversed>()
            .GroupBy(r => r.Reference)
            .ToDictionary(
                g => g.Key,
                g => (Points: g.Sum(r => r.Points), Withdrawn: g.Any(r => r.Reversals.Any(x => x.Withdrawn)))
            );
        return member
            .Events.OfType<CampaignPointsEarned>()
            .GroupBy(a => CampaignUse.PeriodOf(CampaignLimit.Month, a.At, Program.Zone()))
            .Select(g =>
                (
                    g.Key,
                    g.Count(a => !reversed.GetValueOrDefault(a.Reference).Withdrawn),
                    g.Sum(a => (long)a.Points - reversed.GetValueOrDefault(a.Reference).Points)
                )
            );
    }
}
