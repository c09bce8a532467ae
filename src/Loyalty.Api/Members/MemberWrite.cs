using Loyalty.Api.Campaigns;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Points;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Campaigns;
using Marten;
using Marten.Services.BatchQuerying;
using NodaTime;

namespace Loyalty.Api.Members;

/// <summary>No record besides the account: for writes that name no purchase, redemption or hold.</summary>
public sealed record NoRecord;

/// <summary>
/// What a member write decides on: the member's account, the record it names, if any, and what the budgets of the
/// campaigns it may award still hold (by code; campaigns without a budget are not named).
/// </summary>
public sealed record MemberState<TRecord>(
    PointsAccount Account,
    TRecord? Record,
    IReadOnlyDictionary<string, long> BudgetLeft
)
    where TRecord : class;

/// <summary>What a member write left: the state it decided on, its events, the account after and the version.</summary>
public sealed record MemberWritten<TRecord>(
    MemberState<TRecord> Before,
    IReadOnlyList<IMemberEvent> Events,
    PointsAccount After,
    long Version
)
    where TRecord : class
{
    /// <summary>The member's balance after the write, as its answer shows it.</summary>
    public BalanceResponse Balance(ProgramSettings program, Instant now) =>
        BalanceResponse.From(After, Version, now, program);
}

/// <summary>
/// A write to a member's stream. It loads the member's account (their balance document, with the stream version it
/// reflects) and the record it names by <see cref="RecordId"/> (a purchase, a redemption, a hold) in the write's
/// one batch; <see cref="Decide"/> is the business step; <see cref="Answer"/> makes the response. Lots are
/// consolidated after every decision (<see cref="ConsolidateLots"/>).
/// </summary>
public abstract record MemberWrite<TRecord, TResponse>(Guid MemberId, IdempotencyKey? Key)
    : IStreamWrite<MemberState<TRecord>, IMemberEvent, TResponse>
    where TRecord : class
    where TResponse : notnull
{
    public Guid StreamId => MemberId;

    /// <summary>The id of the <typeparamref name="TRecord"/> the write decides on too; none by default.</summary>
    protected virtual string? RecordId => null;

    /// <summary>
    /// The campaigns whose points the write may give or take back: it reads their budgets; none by default.
    /// </summary>
    protected virtual IEnumerable<string> CampaignCodes => [];

    public abstract IReadOnlyList<IMemberEvent> Decide(MemberState<TRecord> state);

    public abstract TResponse Answer(MemberWritten<TRecord> written);

    /// <summary>Messages that commit with the events (through Wolverine's outbox); none by default.</summary>
    public virtual IEnumerable<ScheduledMessage> Schedule(
        MemberState<TRecord> state,
        IReadOnlyList<IMemberEvent> events
    ) => [];

    public async Task<Current<MemberState<TRecord>>> Load(IBatchedQuery batch)
    {
        // No stream has the nil id, and the event store refuses to look for one.
        if (MemberId == Guid.Empty)
            throw NoSuchMember;
        // FetchForWriting keeps the balance in the session's identity map: the inline projection updates it
        // without reading it again.
        var fetched = batch.Events.FetchForWriting<MemberBalance>(MemberId);
        var record = RecordId is { } id ? batch.Load<TRecord>(id) : Task.FromResult<TRecord?>(null);
        var budgets = CampaignBudgets.LoadLeft(batch, CampaignCodes);
        var balance = (await fetched).Aggregate ?? throw NoSuchMember;
        return new(new(balance.ToAccount(), await record, await budgets), balance.Version);
    }

    /// <summary>The campaign points the events give or take back move the campaigns' budgets.</summary>
    Task IStreamWrite<MemberState<TRecord>, IMemberEvent, TResponse>.Enlist(
        IDocumentSession session,
        MemberState<TRecord> state,
        IReadOnlyList<IMemberEvent> events,
        CancellationToken ct
    )
    {
        CampaignBudgets.Spend(session, MemberId, events);
        return Task.CompletedTask;
    }

    /// <summary>What the runner appends: the step's events, then the consolidation of the lots they leave.</summary>
    IReadOnlyList<IMemberEvent> IStreamWrite<MemberState<TRecord>, IMemberEvent, TResponse>.Decide(
        MemberState<TRecord> state
    ) => ConsolidateLots.Following(state.Account, Decide(state));

    /// <summary>The step's answer, given the account the events leave.</summary>
    TResponse IStreamWrite<MemberState<TRecord>, IMemberEvent, TResponse>.Answer(
        MemberState<TRecord> state,
        IReadOnlyList<IMemberEvent> events,
        long version
    ) => Answer(new(state, events, events.Aggregate(state.Account, PointsAccount.Evolve), version));

    private static NotFound NoSuchMember => new("memberId", "no such member");
}
