using Loyalty.Api.Campaigns;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Points;

public static class QuotePurchaseEndpoint
{
    /// <summary>
    /// What a purchase would earn if it were recorded now, line by line and campaign by campaign, with the balance it
    /// would leave; nothing is recorded (a till shows "you will earn 57 points" before payment). The body is a
    /// purchase's; its <c>transactionId</c> must not be recorded yet. Recording it next earns exactly this, unless
    /// something changes in between (another purchase using up a limit or a budget).
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<PurchaseRecordedResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [WolverinePost("/purchases/quote", OperationId = "quotePurchase")]
    [Authorize(Policy = Permissions.PointsEarn)]
    public static async Task<PurchaseRecordedResponse> Post(
        RecordPurchaseRequest? request,
        EventStreams streams,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        CampaignsCache campaigns,
        HttpContext http,
        CancellationToken ct
    )
    {
        // The purchase's own write, run without recording anything (and without its idempotency key).
        var write = await RecordPurchaseEndpoint.LoadAsync(
            request,
            streams,
            session,
            programSettings,
            campaigns,
            http,
            ct
        );
        return await streams.Preview(write, ct);
    }
}
