using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Referrals;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Members;
using Marten;
using Marten.Services.BatchQuerying;
using NodaTime;

namespace Loyalty.Api.Referrals;

/// <summary>
/// Who holds a referral code, by the code. Inserted by the write that assigns it, never updated: a second member
/// given the same code at the same moment fails to insert it and is decided again, with the next candidate.
/// </summary>
public sealed record ReferralCodeHolder(string Id, Guid MemberId);

public static class ReferralCodes
{
    /// <summary>The holders of <paramref name="codes"/> that have one, by code.</summary>
    public static async Task<IReadOnlyDictionary<string, Guid>> LoadHolders(
        IBatchedQuery batch,
        IEnumerable<string> codes
    ) => (await batch.LoadMany<ReferralCodeHolder>().ById([.. codes])).ToDictionary(h => h.Id, h => h.MemberId);

    /// <summary>Reserves every code the events assign that its member does not hold yet.</summary>
    public static void Hold(
        IDocumentSession session,
        IReadOnlyDictionary<string, Guid> holders,
        IEnumerable<object> events
    )
    {
        foreach (var assigned in events.OfType<ReferralCodeAssigned>())
            if (!holders.ContainsKey(assigned.Code))
                session.Insert(new ReferralCodeHolder(assigned.Code, assigned.MemberId));
    }
}

/// <summary>What a code assignment decides on: the member and who holds the codes it may give them.</summary>
public sealed record CodeCandidates(Member Member, IReadOnlyDictionary<string, Guid> Holders);

/// <summary>
/// Gives a member a referral code: a generated one when they have none (members enrolled before referrals), or the
/// vanity code a program manager chose.
/// </summary>
public sealed record AssigningReferralCode(Guid MemberId, string? Vanity, Instant At, Actor By)
    : IStreamWrite<CodeCandidates, IMemberEvent, Member>
{
    public Guid StreamId => MemberId;

    public IdempotencyKey? Key => null;

    private IEnumerable<string> Candidates =>
        Vanity is { } code
            ? [code]
            : Enumerable.Range(0, AssignReferralCode.Attempts).Select(i => ReferralCode.For(MemberId, i));

    public async Task<Current<CodeCandidates>> Load(IBatchedQuery batch)
    {
        if (MemberId == Guid.Empty)
            throw new NotFound("memberId", "no such member");
        var balance = batch.Load<MemberBalance>(MemberId);
        var member = batch.Load<MemberView>(MemberId);
        var holders = ReferralCodes.LoadHolders(batch, Candidates);
        return await balance is { } b && await member is { } m
            ? new(new(m.ToMember(), await holders), b.Version)
            : throw new NotFound("memberId", "no such member");
    }

    public IReadOnlyList<IMemberEvent> Decide(CodeCandidates state)
    {
        if (Vanity is not { } code)
            return AssignReferralCode.Generated(MemberId, state.Member.ReferralCode, state.Holders.ContainsKey, At, By);
        Guid? holder = state.Holders.TryGetValue(code, out var held) ? held : null;
        return AssignReferralCode.Vanity(state.Member, code, holder, At, By);
    }

    public Member Answer(CodeCandidates state, IReadOnlyList<IMemberEvent> events, long version) =>
        events.Aggregate((Member?)state.Member, Member.Evolve)!;

    public Task Enlist(
        IDocumentSession session,
        CodeCandidates state,
        IReadOnlyList<IMemberEvent> events,
        CancellationToken ct
    )
    {
        ReferralCodes.Hold(session, state.Holders, events);
        return Task.CompletedTask;
    }
}
