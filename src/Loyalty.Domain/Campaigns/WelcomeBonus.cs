using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;

namespace Loyalty.Domain.Campaigns;

/// <summary>Welcome campaigns give in the same write as the enrolment that sets them off.</summary>
public static class WelcomeBonus
{
    /// <summary>The enrolment, then what welcome campaigns give for it.</summary>
    public static IReadOnlyList<IMemberEvent> Following(
        MemberEnrolled enrolled,
        ProgramSettings program,
        IReadOnlyList<Campaign> welcome,
        IReadOnlyDictionary<string, long> budgetLeft
    )
    {
        if (welcome.Count == 0)
            return [enrolled];
        var account = PointsAccount.Evolve(PointsAccount.Initial(enrolled.MemberId), enrolled);
        var bonus = CampaignAwards.Decide(OccasionOf(enrolled), account, program, welcome, budgetLeft).Events;
        return [enrolled, .. TierQualification.Following(account, bonus, program, enrolled.At, enrolled.By)];
    }

    public static CampaignOccasion OccasionOf(MemberEnrolled e) =>
        new([CampaignTrigger.Enrollment], "enrollment", e.At, e.At, e.By);
}
