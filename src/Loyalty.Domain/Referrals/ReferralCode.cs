using System.Security.Cryptography;
using Loyalty.Domain.Common;

namespace Loyalty.Domain.Referrals;

/// <summary>
/// A member's referral code: seven characters and a check character, from an alphabet without the characters people
/// mistake for each other (0 and O, 1, I and L). The check character makes the weighted sum of the characters'
/// values a multiple of 31 (the alphabet's size, a prime), so any one mistyped character and any two neighbours
/// swapped are refused rather than credited to a stranger. Vanity codes, chosen by a program manager, are letters
/// and digits without a check character: they are looked up as they are.
/// </summary>
public static class ReferralCode
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int BodyLength = 7;

    /// <summary>
    /// The code for <paramref name="memberId"/>: the same for the same member, so an enrollment retried gives the
    /// same code; <paramref name="attempt"/> gives another when that one is taken.
    /// </summary>
    public static string For(Guid memberId, int attempt = 0)
    {
        Span<byte> input = stackalloc byte[20];
        memberId.TryWriteBytes(input);
        BitConverter.TryWriteBytes(input[16..], attempt);
        var hash = SHA256.HashData(input);
        var body = new char[BodyLength];
        var value = BitConverter.ToUInt64(hash);
        for (var i = 0; i < BodyLength; i++, value /= (ulong)Alphabet.Length)
            body[i] = Alphabet[(int)(value % (ulong)Alphabet.Length)];
        return new string(body) + Check(body);
    }

    /// <summary>
    /// A code as a member typed it: case, spaces and hyphens do not matter. Refused when it cannot be a code, or when
    /// it is a generated code with a character mistyped (a broken rule, like a code no one holds).
    /// </summary>
    public static string Parse(string? typed, string field)
    {
        var code = Shaped(typed, field, "is not a referral code");
        if (IsGenerated(code) && Check(code.AsSpan(0, BodyLength)) != code[BodyLength])
            throw new RuleBroken(field, "has a mistyped character");
        return code;
    }

    /// <summary>
    /// A vanity code a program manager chooses: 4 to 20 letters and digits, not shaped like a generated one.
    /// </summary>
    public static string Vanity(string? chosen, string field)
    {
        var code = Shaped(chosen, field, "must be 4 to 20 letters and digits");
        if (IsGenerated(code))
            throw new InvalidInput(field, $"must not be {BodyLength + 1} characters of the generated codes' alphabet");
        return code;
    }

    /// <summary>
    /// Upper case without spaces and hyphens: 4 to 20 letters and digits, or refused with <paramref name="reason"/>.
    /// </summary>
    private static string Shaped(string? typed, string field, string reason)
    {
        var code = new string(
            Guard.Required(typed, field, 40).Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant).ToArray()
        );
        if (code.Length is < 4 or > 20 || !code.All(char.IsAsciiLetterOrDigit))
            throw new InvalidInput(field, reason);
        return code;
    }

    /// <summary>Shaped like a generated code: eight characters, all from the alphabet.</summary>
    private static bool IsGenerated(string code) =>
        code.Length == BodyLength + 1 && code.All(c => Alphabet.Contains(c));

    private static char Check(ReadOnlySpan<char> body)
    {
        var n = Alphabet.Length;
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
            sum += (i + 1) * Alphabet.IndexOf(body[i]);
        // The check character's weight is BodyLength + 1; find the value that brings the sum to a multiple of n.
        for (var c = 0; c < n; c++)
            if ((sum + (BodyLength + 1) * c) % n == 0)
                return Alphabet[c];
        throw new InvalidOperationException("unreachable: n is prime");
    }
}
