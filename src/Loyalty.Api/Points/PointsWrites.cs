using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;

namespace Loyalty.Api.Points;

/// <summary>A points write to a member's stream, answered with what it did and the balance after it.</summary>
internal static class PointsWrites
{
    public static Task<IResult> Append<TResponse>(
        EventStreams streams, Guid memberId, IdempotencyKey key,
        Func<PointsAccount, IReadOnlyList<IMemberEvent>> decide,
        Func<Written<PointsAccount, IMemberEvent>, BalanceResponse, TResponse> respond,
        int status, CancellationToken ct) where TResponse : notnull =>
        streams.Append(memberId, key, PointsAccount.Initial(memberId), PointsAccount.Evolve, decide,
            written => respond(written, BalanceResponse.From(memberId, written.After.Balance, written.Version)), status, ct);
}
