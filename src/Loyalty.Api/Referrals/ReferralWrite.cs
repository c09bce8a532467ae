using JasperFx.Events;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Balances;
using Marten;
using Marten.Services.BatchQuerying;

namespace Loyalty.Api.Referrals;

/// <summary>One member of a referral: their account, and their stream as read for writing.</summary>
public sealed record ReferralParty(PointsAccount Account, IEventStream<MemberBalance> Stream);

/// <summary>What a referral write decides on: the referral (none yet when it makes one) and both its members.</summary>
public sealed record ReferralParties(Referral? Referral, ReferralParty Referrer, ReferralParty Referred);

/// <summary>
/// A write to a referral's stream. It reads the referral and both members' accounts in one batch; the points its
/// events give or take back (<see cref="ReferralPoints.Following"/>) are appended to the members' streams in the same
/// transaction, at the versions read. So a reward is paid with its record or not at all, once, and two rewards of one
/// referrer decided at once are kept apart by the referrer's stream: the second is decided again, within the caps.
/// </summary>
public abstract record ReferralWrite(
    Guid ReferrerId,
    Guid ReferredId,
    ProgramSettings Program,
    Actor By,
    IdempotencyKey? Key = null
) : IStreamWrite<ReferralParties, IReferralEvent, ReferralResponse>
{
    public Guid StreamId => Referral.StreamIdFor(ReferredId);

    public abstract IReadOnlyList<IReferralEvent> Decide(ReferralParties parties);

    public async Task<Current<ReferralParties>> Load(IBatchedQuery batch)
    {
        var stream = batch.Events.FetchStream(StreamId);
        var referrer = batch.Events.FetchForWriting<MemberBalance>(ReferrerId);
        var referred = batch.Events.FetchForWriting<MemberBalance>(ReferredId);
        var events = await stream;
        var referral = events.Select(e => e.Data).OfType<IReferralEvent>().Aggregate((Referral?)null, Referral.Evolve);
        var parties = new ReferralParties(referral, Party(await referrer), Party(await referred));
        return new(parties, events.Count == 0 ? 0 : events[^1].Version);
    }

    /// <summary>The referral after the write (jobs look at the events they committed instead).</summary>
    public ReferralResponse Answer(ReferralParties parties, IReadOnlyList<IReferralEvent> events, long version) =>
        ReferralResponse.From(After(parties, events) ?? throw new NotFound("referralId", "no such referral"));

    public Task Enlist(
        IDocumentSession session,
        ReferralParties parties,
        IReadOnlyList<IReferralEvent> events,
        CancellationToken ct
    )
    {
        if (After(parties, events) is not { } referral)
            return Task.CompletedTask;
        foreach (var party in new[] { parties.Referrer, parties.Referred })
        {
            var points = events.SelectMany(e => ReferralPoints.Following(e, referral, party.Account, Program, By));
            var decided = ConsolidateLots.Following(party.Account, [.. points]);
            if (decided.Count > 0)
                party.Stream.AppendMany(decided.ToArray<object>());
        }
        return Task.CompletedTask;
    }

    private static Referral? After(ReferralParties parties, IReadOnlyList<IReferralEvent> events) =>
        events.Aggregate(parties.Referral, Referral.Evolve);

    private static ReferralParty Party(IEventStream<MemberBalance> stream) =>
        new(stream.Aggregate?.ToAccount() ?? PointsAccount.Initial(stream.Id), stream);
}
