using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using NodaTime;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Members;

public class MemberTests
{
    private static EnrollMember Enroll(
        string? zone = null,
        LocalDate? birthday = null,
        string? email = "ada@example.com"
    ) =>
        EnrollMember.Parse(
            MemberId,
            "card-1",
            "Ada",
            email,
            "+31 6 1234",
            birthday,
            zone,
            "Europe/Amsterdam",
            Now,
            Till
        );

    private static Domain.Members.Member Enrolled(EnrollMember cmd) =>
        Domain.Members.Member.Evolve(null, EnrollMember.Decide(cmd))!;

    [Fact]
    public void a_member_takes_the_program_zone_when_none_is_given()
    {
        Assert.Equal("Europe/Amsterdam", EnrollMember.Decide(Enroll()).Profile.TimeZone);
        Assert.Equal("America/New_York", EnrollMember.Decide(Enroll("America/New_York")).Profile.TimeZone);
    }

    [Theory]
    [InlineData("Mars/Olympus", null, "timeZone")]
    [InlineData(null, "not-an-email", "email")]
    public void a_bad_profile_is_refused_naming_the_field(string? zone, string? email, string field)
    {
        var error = Assert.Throws<InvalidInput>(() =>
            EnrollMember.Decide(Enroll(zone, email: email ?? "ada@example.com"))
        );
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void a_birthday_in_the_future_of_the_members_zone_is_refused()
    {
        // 2026-11-24 12:00 UTC is already the 25th in Kiritimati (UTC+14), not yet in Honolulu (UTC-10).
        Assert.NotNull(EnrollMember.Decide(Enroll("Pacific/Kiritimati", new LocalDate(2026, 11, 25))));
        Assert.Throws<InvalidInput>(() => EnrollMember.Decide(Enroll("Pacific/Honolulu", new LocalDate(2026, 11, 25))));
    }

    [Fact]
    public void a_stale_profile_edit_is_refused()
    {
        var member = Enrolled(Enroll());
        var error = Assert.Throws<StaleVersion>(() =>
            UpdateProfile.Decide(member, new UpdateProfile(2, "Ada L", null, null, null, null, Now, Till))
        );
        Assert.Equal("expectedVersion", error.Field);
    }

    [Fact]
    public void an_edit_raises_the_version_and_an_unchanged_edit_records_nothing()
    {
        var member = Enrolled(Enroll());
        var events = UpdateProfile.Decide(
            member,
            new UpdateProfile(1, "Ada L", "ada@example.com", "+31 6 1234", null, null, Now, Till)
        );
        var updated = events.Aggregate(member, (m, e) => Domain.Members.Member.Evolve(m, e)!);

        Assert.Equal(2, updated.Version);
        Assert.Equal("Ada L", updated.Profile.Name);
        Assert.Empty(
            UpdateProfile.Decide(
                updated,
                new UpdateProfile(2, "Ada L", "ada@example.com", "+31 6 1234", null, null, Now, Till)
            )
        );
    }

    [Fact]
    public void closing_twice_records_once_and_a_closed_member_cannot_be_edited()
    {
        var member = Enrolled(Enroll());
        var closed = CloseMember
            .Decide(member, new CloseMember("moved away", null, Now, Till))
            .Aggregate(member, (m, e) => Domain.Members.Member.Evolve(m, e)!);

        Assert.True(closed.Closed);
        Assert.Empty(CloseMember.Decide(closed, new CloseMember("again", null, Now, Till)));
        Assert.Throws<RuleBroken>(() =>
            UpdateProfile.Decide(closed, new UpdateProfile(2, "Ada", null, null, null, null, Now, Till))
        );
    }
}
