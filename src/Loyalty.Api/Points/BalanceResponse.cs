using Loyalty.Domain.Points;

namespace Loyalty.Api.Points;

/// <summary>
/// A member's points: available to spend, the deficit that returns of spent points left (settled by the
/// next credits), lifetime totals (available − deficit = earned − redeemed + adjusted), and the stream version.
/// </summary>
public sealed record BalanceResponse(
    Guid MemberId, long Available, long Deficit, long LifetimeEarned, long LifetimeRedeemed, long LifetimeAdjusted, long Version)
{
    public static BalanceResponse From(Guid memberId, Balance b, long version) =>
        new(memberId, b.Available, b.Deficit, b.LifetimeEarned, b.LifetimeRedeemed, b.LifetimeAdjusted, version);
}
