using Loyalty.Domain.Insight;
using NodaTime;

namespace Loyalty.Domain.Tests.Insight;

public class RfmTests
{
    private static readonly LocalDate Today = new(2027, 1, 3);

    private static RfmFacts Facts(int id, int daysAgo, int purchases, decimal spend) =>
        new(new Guid(id, 0, 0, new byte[8]), Today.PlusDays(-daysAgo), purchases, spend);

    /// <summary>
    /// Ten members, two per fifth on every measure, plus ties: 1 + ⌊5 × below / 10⌋ worked by hand for each.
    /// </summary>
    [Fact]
    public void Scores_are_quintiles_over_the_active_members_and_ties_share_a_score()
    {
        var members = new[]
        {
            Facts(1, 1, 9, 900m), // recency: 9 did worse → 5; frequency: 9 below → 5; 900: 9 below → 5
            Facts(2, 2, 8, 800m), // 8 below → 5, 5, 5
            Facts(3, 3, 7, 700m), // 7 → 4
            Facts(4, 4, 6, 600m), // 6 → 4
            Facts(5, 5, 5, 500m), // 5 → 3
            Facts(6, 6, 4, 400m), // 4 → 3
            Facts(7, 7, 3, 300m), // 3 → 2
            Facts(8, 8, 2, 200m), // 2 → 2
            Facts(9, 30, 1, 100m), // 30 days, tied with 10: 0 below → 1; one purchase, tied: 0 below → 1
            Facts(10, 30, 1, 150m), // 150: 1 below → 1
        };
        var scores = Rfm.Score(members, Today);
        Assert.Equal(new RfmScore(5, 5, 5), scores[members[0].MemberId]);
        Assert.Equal(new RfmScore(4, 4, 4), scores[members[3].MemberId]);
        Assert.Equal(new RfmScore(3, 3, 3), scores[members[4].MemberId]);
        Assert.Equal(new RfmScore(2, 2, 2), scores[members[7].MemberId]);
        Assert.Equal(new RfmScore(1, 1, 1), scores[members[8].MemberId]);
        Assert.Equal(new RfmScore(1, 1, 1), scores[members[9].MemberId]);
    }

    [Fact]
    public void A_purchase_365_days_ago_is_out_of_the_window()
    {
        Assert.True(Rfm.IsActive(Today.PlusDays(-364), Today));
        Assert.False(Rfm.IsActive(Today.PlusDays(-365), Today));
    }

    [Theory]
    [InlineData(5, 4, 4, "champions")]
    [InlineData(4, 1, 5, "new")] // FM 3: not a champion; one purchase
    [InlineData(1, 5, 3, "cant-lose")]
    [InlineData(2, 3, 3, "at-risk")]
    [InlineData(1, 3, 4, "at-risk")] // FM 3.5
    [InlineData(3, 5, 5, "loyal")]
    [InlineData(4, 3, 3, "loyal")]
    [InlineData(3, 2, 2, "potential-loyalists")]
    [InlineData(5, 2, 3, "potential-loyalists")]
    [InlineData(2, 2, 3, "hibernating")]
    [InlineData(1, 2, 3, "lost")]
    [InlineData(1, 1, 1, "lost")]
    public void The_segment_map(int r, int f, int m, string segment) =>
        Assert.Equal(segment, Segments.Of(new RfmScore(r, f, m)));

    [Fact]
    public void The_review_records_only_what_changed_and_leaves_closed_members_alone()
    {
        var zone = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
        var now = Given.Now.Plus(Duration.FromDays(40));
        var verdict = new SegmentVerdict("lost", null, now.InZone(zone).Date);
        var member = Given.Member();
        var first = ReviewInsight.Decide(member.Account, LifecycleThresholds.Default, zone, now, verdict, Given.Till);
        Assert.Equal(
            ["active", "lost"],
            first.Select(e =>
                e switch
                {
                    MemberStageChanged s => s.To,
                    MemberSegmentChanged s => s.To,
                    _ => "?",
                }
            )
        );
        var reviewed = member.Then([.. first]);
        Assert.Empty(
            ReviewInsight.Decide(reviewed.Account, LifecycleThresholds.Default, zone, now, verdict, Given.Till)
        );
        var later = now.Plus(Duration.FromDays(100));
        Assert.IsType<MemberStageChanged>(
            Assert.Single(
                ReviewInsight.Decide(reviewed.Account, LifecycleThresholds.Default, zone, later, null, Given.Till)
            )
        );
        var closed = reviewed.Then([new Loyalty.Domain.Members.MemberClosed(Given.MemberId, "left", now, Given.Till)]);
        Assert.Empty(ReviewInsight.Decide(closed.Account, LifecycleThresholds.Default, zone, later, null, Given.Till));
    }
}
