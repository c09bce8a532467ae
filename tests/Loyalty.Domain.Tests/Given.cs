using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Tests;

/// <summary>Builders for given/when/then: a history of events folded into state, and commands at a fixed time.</summary>
public static class Given
{
    public static readonly Guid MemberId = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    public static readonly Instant Now = Instant.FromUtc(2026, 11, 24, 12, 0);
    public static readonly Actor Till = Actor.System("pos");
    public static readonly ProgramSettings Program = new(1, "EUR", "Europe/Amsterdam", new EarnRate(1, 1), ProgramSettings.FloorPerPurchase);

    public static MemberEnrolled Enrolled() =>
        new(MemberId, "card-1", new MemberProfile("Ada", "ada@example.com", null, null, "Europe/Amsterdam"), Now, Till);

    public static PointsAccount Account(params IMemberEvent[] history) =>
        history.Aggregate(PointsAccount.Initial(MemberId), PointsAccount.Evolve);

    public static PointsAccount AccountWith(params IMemberEvent[] history) => Account([Enrolled(), .. history]);

    public static PointsAccount Then(this PointsAccount account, IEnumerable<IMemberEvent> events) =>
        events.Aggregate(account, PointsAccount.Evolve);

    public static RecordPurchase Purchase(string transactionId, params PurchaseLine[] lines) =>
        new("pos", transactionId, "store-1", Now, "EUR", lines, Now, Till);

    public static PurchaseLine Line(string id, decimal quantity, decimal unitPrice, decimal discount = 0) =>
        new(id, "sku-" + id, "grocery", quantity, unitPrice, discount);

    public static PointsEarned Earned(string transactionId, params PurchaseLine[] lines) =>
        RecordPurchase.Decide(AccountWith(), Program, Purchase(transactionId, lines)).Single();

    public static ReturnPurchase Return(string transactionId, string returnId, params ReturnLine[] lines) =>
        new("pos", transactionId, returnId, lines, Now, Now, Till);

    public static RedeemPoints Redeem(string id, int points) => new(id, points, "coffee", "app", Now, Till);

    public static AdjustPoints Adjust(string id, int points) => new(id, points, "goodwill", Now, Till);
}
