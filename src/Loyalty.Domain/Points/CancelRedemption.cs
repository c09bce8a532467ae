using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// Gives a redemption's points back, once, to the lots they came from with their original expiry. A deficit is
/// settled from them first; points whose lot has expired meanwhile expire at once. Cancelling again changes nothing.
/// </summary>
public sealed record CancelRedemption(string RedemptionId, string? Reason, Instant At, Actor By)
{
    public static CancelRedemption Parse(string? redemptionId, string? reason, Instant at, Actor by)
    {
        var id = Guard.Required(redemptionId, "redemptionId", 100);
        return new(id, Guard.Optional(reason, "reason", 500), at, by);
    }

    public static RedemptionCancelled[] Decide(PointsAccount account, RedemptionState? redemption, CancelRedemption cmd)
    {
        if (redemption is null || redemption.MemberId != account.MemberId)
            throw new NotFound("redemptionId", "no such redemption");
        if (redemption.Cancelled)
            return [];
        // Redemptions recorded before lots existed took from no recorded lot: their points come back as a lot.
        if (redemption.Taken is not { } taken)
            return
            [
                new RedemptionCancelled(
                    account.MemberId,
                    cmd.RedemptionId,
                    redemption.Points,
                    account.Balance.SettlesDeficit(redemption.Points),
                    cmd.Reason,
                    cmd.At,
                    cmd.By
                ),
            ];

        var expired = taken.Where(t => t.ExpiresAt <= cmd.At).ToList();
        var returnable = taken.Where(t => !(t.ExpiresAt <= cmd.At)).ToList();
        var settled = account.Balance.SettlesDeficit(returnable.Sum(t => t.Points));
        var (_, restored) = Lots.Split(returnable, settled);
        return
        [
            new RedemptionCancelled(
                account.MemberId,
                cmd.RedemptionId,
                redemption.Points,
                settled,
                cmd.Reason,
                cmd.At,
                cmd.By,
                restored,
                expired
            ),
        ];
    }
}
