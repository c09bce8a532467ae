using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Balances;
using Marten;

namespace Loyalty.Api.Points;

/// <summary>
/// A points write to a member's stream: decided on the member's account (their balance document, with the
/// stream version it reflects) and on whatever else the command names (a purchase, a redemption), and
/// answered with what it did and the balance after it.
/// </summary>
internal static class PointsWrites
{
    public static Task<IResult> Append<TExtra, TResponse>(
        EventStreams streams, Guid memberId, IdempotencyKey? key, ProgramSettings program,
        Func<Marten.Services.BatchQuerying.IBatchedQuery, Task<TExtra>> loadExtra,
        Func<PointsAccount, TExtra, IReadOnlyList<IMemberEvent>> decide,
        Func<Written<PointsAccount, IMemberEvent>, BalanceResponse, TResponse> respond,
        int status, CancellationToken ct, Func<IDocumentSession, Written<PointsAccount, IMemberEvent>, ValueTask>? alsoInTransaction = null)
        where TResponse : notnull
    {
        // No stream has the nil id, and the event store refuses to look for one.
        if (memberId == Guid.Empty) throw new NotFound("memberId", "no such member");
        var extra = default(TExtra)!;
        return streams.Append<PointsAccount, IMemberEvent, TResponse>(memberId, key, batch =>
            {
                // FetchForWriting keeps the balance in the session's identity map, so the inline projection
                // updates it without reading it again.
                var fetched = batch.Events.FetchForWriting<MemberBalance>(memberId);
                var loaded = loadExtra(batch);
                return async () =>
                {
                    var balance = (await fetched).Aggregate ?? throw new NotFound("memberId", "no such member");
                    extra = await loaded;
                    return new Current<PointsAccount>(balance.ToAccount(), balance.Version);
                };
            },
            PointsAccount.Evolve, account => decide(account, extra),
            written => respond(written, BalanceResponse.From(written.After, written.Version, streams.Now, program)), status, ct, alsoInTransaction);
    }

    public static Task<IResult> Append<TResponse>(
        EventStreams streams, Guid memberId, IdempotencyKey? key, ProgramSettings program,
        Func<PointsAccount, IReadOnlyList<IMemberEvent>> decide,
        Func<Written<PointsAccount, IMemberEvent>, BalanceResponse, TResponse> respond,
        int status, CancellationToken ct) where TResponse : notnull =>
        Append(streams, memberId, key, program, _ => Task.FromResult(0), (account, _) => decide(account), respond, status, ct);
}
