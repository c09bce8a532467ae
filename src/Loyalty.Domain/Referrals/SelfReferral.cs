using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>
/// What ties a new member to the member who referred them: e-mail (normalised), phone (E.164, normalised where it
/// is read), the device they enrolled on, and a hashed payment fingerprint. All optional.
/// </summary>
public sealed record ReferralSignals(string? Email, string? Phone, string? Device, string? PaymentFingerprint);

/// <summary>Signs that a referral is a member referring themselves, or a referrer farming rewards.</summary>
public static class SelfReferral
{
    /// <summary>
    /// A device id or payment fingerprint as it is kept: hashed, so the value given is never stored, and equal
    /// values still compare equal.
    /// </summary>
    public static string Hashed(string value) =>
        Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"loyalty/{value}"))
        )[..32];

    /// <summary>Providers that ignore dots in the mailbox name.</summary>
    private static readonly HashSet<string> DotsIgnored = ["gmail.com", "googlemail.com"];

    /// <summary>Providers that deliver <c>name+anything</c> to <c>name</c>.</summary>
    private static readonly HashSet<string> PlusTagged =
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "fastmail.com",
        "proton.me",
        "protonmail.com",
    ];

    /// <summary>
    /// The mailbox an address delivers to, as far as the big providers tell: lower case; for Gmail without dots
    /// and with googlemail.com as gmail.com; for the providers that deliver plus-tagged addresses, without the tag.
    /// </summary>
    public static string? NormalizedEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.LastIndexOf('@') is var at && at <= 0)
            return null;
        var (name, domain) = (email[..at].Trim().ToLowerInvariant(), email[(at + 1)..].Trim().ToLowerInvariant());
        if (PlusTagged.Contains(domain) && name.IndexOf('+') is > 0 and var plus)
            name = name[..plus];
        if (DotsIgnored.Contains(domain))
            (name, domain) = (name.Replace(".", ""), "gmail.com");
        return $"{name}@{domain}";
    }

    /// <summary>
    /// The signals the two members share, each as a reason (<c>same-email</c>…); none when unrelated.
    /// </summary>
    public static IReadOnlyList<string> Shared(ReferralSignals referrer, ReferralSignals referred)
    {
        var reasons = new List<string>();
        if (Same(NormalizedEmail(referrer.Email), NormalizedEmail(referred.Email)))
            reasons.Add("same-email");
        if (Same(referrer.Phone, referred.Phone))
            reasons.Add("same-phone");
        if (Same(referrer.Device, referred.Device))
            reasons.Add("same-device");
        if (Same(referrer.PaymentFingerprint, referred.PaymentFingerprint))
            reasons.Add("same-payment");
        return reasons;
    }

    /// <summary>
    /// Whether one more referral at <paramref name="at"/> would make more than <paramref name="limit"/> by the same
    /// referrer within <paramref name="window"/> (ending at <paramref name="at"/>, counting this one).
    /// </summary>
    public static bool TooFast(IEnumerable<Instant> referrerReferrals, Instant at, int limit, Duration window) =>
        referrerReferrals.Count(made => made > at - window && made <= at) + 1 > limit;

    private static bool Same(string? one, string? other) =>
        !string.IsNullOrEmpty(one) && string.Equals(one, other, StringComparison.Ordinal);
}
