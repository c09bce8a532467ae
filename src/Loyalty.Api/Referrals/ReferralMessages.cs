using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Purchases;
using Loyalty.Projections.Referrals;
using Marten;
using NodaTime;

namespace Loyalty.Api.Referrals;

/// <summary>
/// A member's purchase was recorded (<see cref="First"/>: their first) or returned. Sent through the outbox with the
/// purchase's own events, so a referral waiting for it or qualified by it always hears of it.
/// </summary>
public sealed record ReferredPurchaseChanged(Guid MemberId, string Purchase, bool First);

/// <summary>A member left the program: a referral of theirs that has not paid fails.</summary>
public sealed record ReferredMemberClosed(Guid MemberId);

/// <summary>
/// The referral's step for its purchase: the first one qualifies it (or fails it below the minimum), held when it
/// was paid with the referrer's payment fingerprint; a return fails it, or claws the reward back. Decided on the
/// purchase as it stands when the message is handled, so the order the two messages arrive in does not matter.
/// </summary>
public sealed record ReferralPurchaseStep(
    ReferralView View,
    ReferredPurchaseChanged Message,
    PurchaseState Purchase,
    IReadOnlyList<string> Shared,
    ProgramSettings Program,
    Instant Now
) : ReferralWrite(View.ReferrerId, View.Referral.ReferredId, Program, ReferralMessageHandler.Referrals)
{
    public override IReadOnlyList<IReferralEvent> Decide(ReferralParties parties)
    {
        if (!Message.First || parties.Referral is not { Status: Referral.Referred })
            return ReturnQualifyingPurchase.Decide(parties.Referral, Message.Purchase, Purchase.StillPaid, Now);
        var paid = new Money(Purchase.StillPaid, Program.Currency);
        return QualifyReferral.OnFirstPurchase(parties.Referral, Message.Purchase, paid, Purchase.At ?? Now, Shared);
    }
}

/// <summary>The referred member left: a referral that has not paid fails.</summary>
public sealed record ReferralMemberLeft(ReferralView View, ProgramSettings Program, Instant Now)
    : ReferralWrite(View.ReferrerId, View.Referral.ReferredId, Program, ReferralMessageHandler.Referrals)
{
    public override IReadOnlyList<IReferralEvent> Decide(ReferralParties parties) =>
        FailReferral.OnMemberClosed(parties.Referral, Now);
}

/// <summary>
/// Handles the messages members' writes send a referral. Each is decided on the referral's stream, so a message
/// delivered twice decides nothing the second time.
/// </summary>
public static class ReferralMessageHandler
{
    public static readonly Actor Referrals = Actor.System("referrals");

    public static async Task Handle(
        ReferredPurchaseChanged message,
        EventStreams streams,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        CancellationToken ct
    )
    {
        var view = await session.LoadAsync<ReferralView>(Referral.StreamIdFor(message.MemberId), ct);
        var purchase = (await session.LoadAsync<PurchaseRecord>(message.Purchase, ct))?.Purchase;
        if (view is null || purchase is null)
            return;
        var shared = message.First ? await SharedPayment(session, view, purchase, ct) : [];
        var program = await programSettings.CurrentAsync(ct);
        await streams.Apply(new ReferralPurchaseStep(view, message, purchase, shared, program, streams.Now), ct);
    }

    public static async Task Handle(
        ReferredMemberClosed message,
        EventStreams streams,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        CancellationToken ct
    )
    {
        if (await session.LoadAsync<ReferralView>(Referral.StreamIdFor(message.MemberId), ct) is not { } view)
            return;
        var program = await programSettings.CurrentAsync(ct);
        await streams.Apply(new ReferralMemberLeft(view, program, streams.Now), ct);
    }

    /// <summary>"same-payment" when the referrer paid a purchase with the fingerprint this one was paid with.</summary>
    private static async Task<IReadOnlyList<string>> SharedPayment(
        IQuerySession session,
        ReferralView view,
        PurchaseState purchase,
        CancellationToken ct
    )
    {
        if (purchase.PaymentFingerprint is not { } fingerprint)
            return [];
        var referrerPaid = await session
            .Query<PurchaseRecord>()
            .AnyAsync(p => p.Purchase.PaymentFingerprint == fingerprint && p.Purchase.MemberId == view.ReferrerId, ct);
        var referrer = new ReferralSignals(null, null, null, referrerPaid ? fingerprint : null);
        return SelfReferral.Shared(referrer, new ReferralSignals(null, null, null, fingerprint)).ToList();
    }
}
