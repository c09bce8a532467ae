using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Loyalty.Domain.Webhooks;

/// <summary>
/// When a failed delivery is tried again: <see cref="FirstDelay"/> after the first attempt, doubling each time up to
/// <see cref="MaxDelay"/>, for as long as the first attempt is less than <see cref="Window"/> ago; after that the
/// delivery has failed and its webhook is disabled.
/// </summary>
public sealed record WebhookRetries(Duration FirstDelay, Duration MaxDelay, Duration Window)
{
    public static readonly WebhookRetries Default = new(
        Duration.FromMinutes(1),
        Duration.FromHours(6),
        Duration.FromDays(3)
    );

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1; null: give up.</summary>
    public Duration? After(int attempt, Instant firstAttempt, Instant now)
    {
        if (now - firstAttempt >= Window)
            return null;
        var doubled = FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        return Duration.FromMilliseconds(Math.Min(doubled, MaxDelay.TotalMilliseconds));
    }
}

/// <summary>
/// The signature a receiver checks, after Stripe's: <c>t=</c> the Unix time of sending, <c>v1=</c> the lowercase hex
/// HMAC-SHA256 of <c>{t}.{body}</c> under the webhook's secret.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Loyalty-Signature";

    public static string Of(string secret, Instant sentAt, string body)
    {
        var timestamp = sentAt.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A new secret: 32 random bytes, base64url, prefixed so that it is recognised when leaked.</summary>
    public static string NewSecret() => "whsec_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
