using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Members;
using Marten.Services.BatchQuerying;

namespace Loyalty.Api.Members;

/// <summary>
/// A person's edit of a member's profile: decided on the profile (the member view, at the stream version of the
/// member's balance), answered with the profile after it. People name the version they read instead of a key.
/// </summary>
public abstract record ProfileWrite(Guid MemberId) : IStreamWrite<Member, IMemberEvent, MemberView>
{
    public Guid StreamId => MemberId;

    public IdempotencyKey? Key => null;

    public abstract IReadOnlyList<IMemberEvent> Decide(Member member);

    public virtual IEnumerable<ScheduledMessage> Schedule(Member member, IReadOnlyList<IMemberEvent> events) => [];

    public async Task<Current<Member>> Load(IBatchedQuery batch)
    {
        var balance = batch.Load<MemberBalance>(MemberId);
        var member = batch.Load<MemberView>(MemberId);
        return await balance is { } b && await member is { } m
            ? new(m.ToMember(), b.Version)
            : throw new NotFound("memberId", "no such member");
    }

    public MemberView Answer(Member member, IReadOnlyList<IMemberEvent> events, long version) =>
        MemberViewProjection.From(events.Aggregate((Member?)member, Member.Evolve)!);
}
