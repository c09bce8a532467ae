using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Projections.Purchases;
using Marten;
using Wolverine;

namespace Loyalty.Api.Holds;

/// <summary>
/// Handles the release scheduled when a hold was placed. Wolverine keeps the scheduled message in the database, so
/// a restart neither loses nor repeats it; the decision releases a hold only while it is held and due, so a second
/// delivery changes nothing. A message that arrives early (clocks differ between nodes) is scheduled again.
/// </summary>
public static class ReleaseExpiredHoldHandler
{
    public static readonly Actor Timer = Actor.System("hold-timeout");

    public static async Task Handle(
        ReleaseExpiredHold message,
        EventStreams streams,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IMessageBus bus,
        ILogger<ReleaseExpiredHold> log,
        CancellationToken ct
    )
    {
        var hold = (await session.LoadAsync<HoldRecord>(HoldState.Key(message.MemberId, message.HoldId), ct))?.Hold;
        if (hold is not { Status: HoldState.Held })
            return;
        if (streams.Now < hold.ExpiresAt)
        {
            await bus.ScheduleAsync(message, (hold.ExpiresAt - streams.Now).ToTimeSpan());
            return;
        }
        var program = await programSettings.CurrentAsync(ct);
        await streams.Apply(new ReleasingExpiredHold(message, program, streams.Now, Timer), ct);
        log.LogInformation(
            "Hold {HoldId} of member {MemberId} expired and was released",
            message.HoldId,
            message.MemberId
        );
    }
}
