using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Points;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Purchases;
using NodaTime;

namespace Loyalty.Api.Holds;

/// <summary>
/// A hold and how it stands: <c>held</c>, <c>captured</c>, <c>released</c> or <c>expired</c> (released when its time
/// ran out).
/// </summary>
/// <param name="Points">The points reserved.</param>
/// <param name="CapturedPoints">The points spent when it was captured (0 until then).</param>
/// <param name="Value">What the points are worth at the program's point value, when it has one.</param>
/// <param name="ExpiresAt">When it is released by itself unless captured or released before.</param>
/// <param name="EndedAt">When it was captured, released or expired; null while held.</param>
/// <param name="Lots">The lots the points are reserved from.</param>
/// <param name="Balance">The member's balance after this write; null when the hold is only read.</param>
public sealed record HoldResponse(
    Guid MemberId,
    string HoldId,
    string Status,
    int Points,
    int CapturedPoints,
    Money? Value,
    string? OrderReference,
    Instant ExpiresAt,
    Instant? EndedAt,
    IReadOnlyList<LotTake> Lots,
    BalanceResponse? Balance
)
{
    public static HoldResponse From(HoldState hold, BalanceResponse? balance) =>
        new(
            hold.MemberId,
            hold.HoldId,
            hold.Status,
            hold.Points,
            hold.CapturedPoints,
            hold.Value,
            hold.OrderReference,
            hold.ExpiresAt,
            hold.EndedAt,
            hold.Taken,
            balance
        );
}

/// <summary>
/// A write deciding on the member's account and the hold it names, answered with the hold as it stands after it
/// and the member's balance.
/// </summary>
public abstract record HoldWrite(Guid MemberId, string HoldId, IdempotencyKey? Key, ProgramSettings Program, Instant At)
    : MemberWrite<HoldRecord, HoldResponse>(MemberId, Key)
{
    protected override string RecordId => HoldState.Key(MemberId, HoldId);

    public override HoldResponse Answer(MemberWritten<HoldRecord> written) =>
        HoldResponse.From(
            written.Events.Aggregate(written.Before.Record?.Hold, HoldState.Evolve)!,
            written.Balance(Program, At)
        );
}
