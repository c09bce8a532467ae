using Loyalty.Domain.Referrals;
using NodaTime;

namespace Loyalty.Domain.Tests.Referrals;

public class SelfReferralTests
{
    [Theory]
    [InlineData("Ada.Lovelace+shop@GMail.com", "adalovelace@gmail.com")]
    [InlineData("ada.lovelace@googlemail.com", "adalovelace@gmail.com")]
    [InlineData("ada+anything@outlook.com", "ada@outlook.com")]
    [InlineData("Ada+x@iCloud.com", "ada@icloud.com")]
    [InlineData("ada.lovelace+x@example.com", "ada.lovelace+x@example.com")]
    [InlineData("a.da@outlook.com", "a.da@outlook.com")]
    public void an_address_is_normalised_to_the_mailbox_it_delivers_to(string email, string mailbox)
    {
        Assert.Equal(mailbox, SelfReferral.NormalizedEmail(email));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("@gmail.com")]
    [InlineData("no-at-sign")]
    public void what_is_no_address_normalises_to_nothing(string? email)
    {
        Assert.Null(SelfReferral.NormalizedEmail(email));
    }

    [Fact]
    public void each_shared_signal_is_a_reason()
    {
        var referrer = new ReferralSignals("ada.lovelace@gmail.com", "+31612345678", "device-1", "card-9");
        var same = new ReferralSignals("AdaLovelace+2@gmail.com", "+31612345678", "device-1", "card-9");
        var other = new ReferralSignals("grace@example.com", "+31687654321", "device-2", null);

        Assert.Equal(["same-email", "same-phone", "same-device", "same-payment"], SelfReferral.Shared(referrer, same));
        Assert.Empty(SelfReferral.Shared(referrer, other));
        Assert.Empty(SelfReferral.Shared(new(null, null, null, null), new(null, null, null, null)));
    }

    [Fact]
    public void more_referrals_than_the_limit_within_the_window_are_too_fast()
    {
        var at = Instant.FromUtc(2026, 11, 28, 12, 0);
        var window = Duration.FromHours(24);
        var recent = new[] { at - Duration.FromHours(23), at - Duration.FromHours(1), at - Duration.FromHours(25) };

        Assert.False(SelfReferral.TooFast(recent, at, limit: 3, window)); // two in the window, this one the third
        Assert.True(SelfReferral.TooFast(recent, at, limit: 2, window));
        Assert.False(SelfReferral.TooFast([], at, limit: 1, window));
    }
}
