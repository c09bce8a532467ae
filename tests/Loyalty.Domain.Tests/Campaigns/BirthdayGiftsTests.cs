using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using NodaTime;
using static Loyalty.Domain.Tests.Campaigns.Campaigns;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Campaigns;

public class BirthdayGiftsTests
{
    private static Campaign Gift(int daysBefore = 0) =>
        new(
            "birthday",
            [
                new CampaignVersion(
                    1,
                    Instant.FromUtc(2020, 1, 1, 0, 0),
                    Running(CampaignTrigger.Birthday, Gives(CampaignEffect.PerPurchase, 30)) with
                    {
                        Trigger = new CampaignTrigger(CampaignTrigger.Birthday, DaysBefore: daysBefore),
                    },
                    "changed"
                ),
            ]
        );

    private static MemberProfile Born(int year, int month, int day, string zone = "Europe/Amsterdam") =>
        new("Ada", null, null, new LocalDate(year, month, day), zone);

    private static IReadOnlyList<IMemberEvent> Gifts(
        History member,
        MemberProfile profile,
        Instant now,
        int daysBefore = 0
    )
    {
        var decided = BirthdayGifts.Decide(member.Account, profile, Program, [Gift(daysBefore)], NoBudgets, now);
        member.Then(decided);
        return decided;
    }

    [Fact]
    public void a_birthday_gives_once_a_year_on_the_day_in_the_members_own_zone()
    {
        var member = Member();
        var profile = Born(1990, 3, 10, "Pacific/Auckland");
        var eveInAmsterdam = Instant.FromUtc(2027, 3, 9, 12, 0); // 10 March 01:00 in Auckland, still 9 March here

        var gift = Gifts(member, profile, eveInAmsterdam);
        var again = Gifts(member, profile, eveInAmsterdam + Duration.FromHours(5));

        Assert.Equal("birthday/2027", gift.OfType<CampaignPointsEarned>().Single().Reference);
        Assert.Equal("birthday v1: +30 for the birthday of 2027", gift.Awards().Single().Explanation);
        Assert.Empty(again);
        Assert.Empty(Gifts(Member(), Born(1990, 3, 10), eveInAmsterdam)); // in Amsterdam it is not the day yet
    }

    [Fact]
    public void a_birthday_on_29_february_is_kept_on_28_february_in_other_years()
    {
        var profile = Born(1996, 2, 29);

        Assert.Empty(Gifts(Member(), profile, Instant.FromUtc(2027, 2, 27, 12, 0)));
        Assert.Single(Gifts(Member(), profile, Instant.FromUtc(2027, 2, 28, 12, 0)));
        Assert.Single(Gifts(Member(), profile, Instant.FromUtc(2028, 2, 29, 12, 0)));
        Assert.Empty(Gifts(Member(), profile, Instant.FromUtc(2028, 2, 28, 12, 0)));
    }

    [Fact]
    public void days_before_give_ahead_of_the_day_even_across_the_new_year_and_a_late_job_still_gives()
    {
        var profile = Born(1990, 1, 2);

        Assert.Equal(
            "birthday/2027",
            Gifts(Member(), profile, Instant.FromUtc(2026, 12, 29, 12, 0), daysBefore: 5)
                .OfType<CampaignPointsEarned>()
                .Single()
                .Reference
        );
        Assert.Empty(Gifts(Member(), profile, Instant.FromUtc(2026, 12, 26, 12, 0), daysBefore: 5));
        Assert.Single(Gifts(Member(), profile, Instant.FromUtc(2027, 1, 9, 12, 0))); // seven days late
        Assert.Empty(Gifts(Member(), profile, Instant.FromUtc(2027, 1, 10, 12, 0)));
    }

    [Fact]
    public void the_next_year_gives_again()
    {
        var member = Member();
        var profile = Born(1990, 6, 1);

        Assert.Single(Gifts(member, profile, Instant.FromUtc(2027, 6, 1, 12, 0)));
        Assert.Single(Gifts(member, profile, Instant.FromUtc(2028, 6, 1, 12, 0)));
        Assert.Equal(2028, member.Account.CampaignUse("birthday").LastBirthday);
    }
}
