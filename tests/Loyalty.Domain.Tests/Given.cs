using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Tests;

/// <summary>Builders for given/when/then: a member's history, and commands at a fixed time.</summary>
public static class Given
{
    public static readonly Guid MemberId = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    public static readonly Instant Now = Instant.FromUtc(2026, 11, 24, 12, 0);
    public static readonly Actor Till = Actor.System("pos");
    public static readonly ProgramSettings Program = new(
        1,
        "EUR",
        "Europe/Amsterdam",
        new EarnRate(1, 1),
        ProgramSettings.FloorPerPurchase
    );

    public static MemberEnrolled Enrolled() =>
        new(MemberId, "card-1", new MemberProfile("Ada", "ada@example.com", null, null, "Europe/Amsterdam"), Now, Till);

    /// <summary>An enrolled member who then had these events.</summary>
    public static History Member(params IMemberEvent[] events) => new History([Enrolled()]).Then(events);

    public static RecordPurchase Purchase(string transactionId, params PurchaseLine[] lines) =>
        RecordPurchase.Parse("pos", transactionId, "store-1", Now, "EUR", lines, Now, Till);

    public static PurchaseLine Line(string id, decimal quantity, decimal unitPrice, decimal discount = 0) =>
        new(id, "sku-" + id, "grocery", quantity, unitPrice, discount);

    public static PointsEarned Earned(string transactionId, params PurchaseLine[] lines) =>
        Member().Record(Purchase(transactionId, lines)).Single();

    public static ReturnPurchase Return(string transactionId, string returnId, params ReturnLine[] lines) =>
        ReturnPurchase.Parse("pos", transactionId, returnId, lines, Now, Now, Till);

    public static RedeemPoints Redeem(string id, int points) =>
        RedeemPoints.Parse(id, points, null, null, "coffee", "app", Now, Till);

    public static AdjustPoints Adjust(string id, int points) =>
        AdjustPoints.Parse(id, points, "goodwill", false, Now, Till);
}

/// <summary>A member's stream so far, and the decisions made against it, as the service makes them.</summary>
public sealed class History(IEnumerable<IMemberEvent> events)
{
    private readonly List<IMemberEvent> _events = events.ToList();

    public IReadOnlyList<IMemberEvent> Events => _events;

    public PointsAccount Account => _events.Aggregate(PointsAccount.Initial(Given.MemberId), PointsAccount.Evolve);

    public PurchaseState? PurchaseOf(string transactionId) =>
        _events
            .Where(e =>
                e is PointsEarned p && p.TransactionId == transactionId
                || e is PointsReversed r && r.TransactionId == transactionId
            )
            .Aggregate((PurchaseState?)null, PurchaseState.Evolve);

    public RedemptionState? RedemptionOf(string redemptionId) =>
        _events
            .Where(e =>
                e is PointsRedeemed p && p.RedemptionId == redemptionId
                || e is RedemptionCancelled c && c.RedemptionId == redemptionId
            )
            .Aggregate((RedemptionState?)null, RedemptionState.Evolve);

    public History Then(IEnumerable<IMemberEvent> events)
    {
        _events.AddRange(events);
        return this;
    }

    public PointsEarned[] Record(RecordPurchase cmd, ProgramSettings? program = null) =>
        RecordPurchase.Decide(Account, PurchaseOf(cmd.TransactionId), program ?? Given.Program, cmd);

    public PointsReversed[] Return(ReturnPurchase cmd) =>
        ReturnPurchase.Decide(Account, PurchaseOf(cmd.TransactionId), cmd);

    public PointsRedeemed[] Redeem(RedeemPoints cmd) =>
        RedeemPoints.Decide(Account, RedemptionOf(cmd.RedemptionId), Given.Program, cmd);

    public RedemptionCancelled[] Cancel(CancelRedemption cmd) =>
        CancelRedemption.Decide(Account, RedemptionOf(cmd.RedemptionId), cmd);

    public PointsAdjusted[] Adjust(AdjustPoints cmd) => AdjustPoints.Decide(Account, Given.Program, cmd);

    /// <summary>Decides and records in one step, for building up a history.</summary>
    public History Apply(Func<History, IEnumerable<IMemberEvent>> decision) => Then(decision(this).ToArray());
}
