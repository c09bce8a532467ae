using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Members;
using Loyalty.Projections.Referrals;
using Marten;
using PhoneNumbers;

namespace Loyalty.Api.Referrals;

/// <summary>A referral a write is to make: the command, and the member whose code was given (none: no one's).</summary>
public sealed record PendingReferral(MakeReferral Command, ReferrerFacts? Referrer)
{
    public IReadOnlyList<IReferralEvent> Decide(
        ProgramSettings program,
        Referral? existing = null,
        int purchases = 0
    ) =>
        MakeReferral.Decide(
            Command with
            {
                ReferredPurchases = purchases,
            },
            Referrer,
            existing,
            program.Referrals,
            program.RuleVersion,
            program.PendingDays,
            program.Currency
        );
}

/// <summary>Finds the member behind a referral code, with what the fraud controls compare.</summary>
public static class Referrers
{
    public static async Task<ReferrerFacts?> FindAsync(
        IQuerySession session,
        string code,
        ReferralRules rules,
        CancellationToken ct
    )
    {
        var holder = await session.LoadAsync<ReferralCodeHolder>(code, ct);
        if (holder is null || await session.LoadAsync<MemberView>(holder.MemberId, ct) is not { } member)
            return null;
        // The velocity rule looks at the latest referrals only: one more than it allows is enough to tell.
        var latest = await session
            .Query<ReferralView>()
            .Where(v => v.ReferrerId == member.Id)
            .OrderByDescending(v => v.MadeAtUnixMilliseconds)
            .Take(rules.VelocityLimit + 1)
            .ToListAsync(ct);
        var made = latest.Select(v => v.Referral.MadeAt).ToList();
        return new ReferrerFacts(member.Id, member.ClosedAt is not null, SignalsOf(member), made);
    }

    /// <summary>What a member's profile tells the fraud controls: e-mail, phone in E.164, enrollment device.</summary>
    public static ReferralSignals SignalsOf(MemberView member) =>
        new(member.Email, E164(member.Phone), member.Device, null);

    /// <summary>
    /// A phone number in E.164 when it is given in international form (<c>+</c> or <c>00</c> and the country
    /// code); otherwise its digits, as the program has no country to read a national number in.
    /// </summary>
    public static string? E164(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
            return null;
        var util = PhoneNumberUtil.GetInstance();
        var international = phone.TrimStart().StartsWith("00") ? "+" + phone.TrimStart()[2..] : phone;
        try
        {
            var number = util.Parse(international, "ZZ");
            if (util.IsPossibleNumber(number))
                return util.Format(number, PhoneNumberFormat.E164);
        }
        catch (NumberParseException) { }
        return new string(phone.Where(char.IsAsciiDigit).ToArray());
    }
}
