using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Memberships;

/// <summary>One line of a membership's history.</summary>
public sealed record MembershipChange(Instant At, string Kind, string PaymentReference, string Plan, Instant? Until);

/// <summary>
/// A member's paid membership, the current one or the last. Benefits are active from <see cref="StartedAt"/> until
/// <see cref="ActiveUntil"/>: the period's end, a payment's grace, or a cancellation's end; the instant passing is
/// enough, the <see cref="MembershipEnded"/> the job records then only writes it down.
/// </summary>
public sealed record Membership(
    MembershipPlan Plan,
    Instant StartedAt,
    Instant PeriodStart,
    Instant PeriodEnd,
    Instant? GraceUntil,
    Instant? EndsAt,
    Instant? EndedAt,
    IReadOnlyList<string> PaymentReferences,
    IReadOnlyList<MembershipChange> History
)
{
    public const string Active = "active",
        PastDue = "past-due",
        Cancelled = "cancelled",
        Ended = "ended";

    public Instant ActiveUntil() =>
        EndedAt ?? EndsAt ?? (GraceUntil is { } grace && grace > PeriodEnd ? grace : PeriodEnd);

    public bool ActiveAt(Instant at) => StartedAt <= at && at < ActiveUntil();

    public string StatusAt(Instant at) =>
        !ActiveAt(at) ? Ended
        : EndsAt is not null ? Cancelled
        : GraceUntil is not null ? PastDue
        : Active;

    /// <summary>
    /// When the membership job has something to do: the end of the membership, unless recorded already.
    /// </summary>
    public Instant? NextCheck() => EndedAt is null ? ActiveUntil() : null;

    public static Membership? Evolve(Membership? m, IMemberEvent @event) =>
        @event switch
        {
            MembershipPurchased e => new Membership(
                e.Plan,
                e.PeriodStart,
                e.PeriodStart,
                e.PeriodEnd,
                null,
                null,
                null,
                [.. m?.PaymentReferences ?? [], e.PaymentReference],
                [.. m?.History ?? [], new(e.At, "purchased", e.PaymentReference, e.Plan.Code, e.PeriodEnd)]
            ),
            MembershipRenewed e when m is not null => m with
            {
                Plan = e.Plan,
                PeriodStart = e.PeriodStart,
                PeriodEnd = e.PeriodEnd,
                GraceUntil = null,
                PaymentReferences = [.. m.PaymentReferences, e.PaymentReference],
                History = [.. m.History, new(e.At, "renewed", e.PaymentReference, e.Plan.Code, e.PeriodEnd)],
            },
            MembershipPaymentFailed e when m is not null => m with
            {
                GraceUntil = e.GraceUntil,
                PaymentReferences = [.. m.PaymentReferences, e.PaymentReference],
                History = [.. m.History, new(e.At, "payment-failed", e.PaymentReference, m.Plan.Code, e.GraceUntil)],
            },
            MembershipCancelled e when m is not null => m with
            {
                EndsAt = e.EndsAt,
                PaymentReferences = [.. m.PaymentReferences, e.PaymentReference],
                History =
                [
                    .. m.History,
                    new(
                        e.At,
                        e.Refunded ? "cancelled-refunded" : "cancelled",
                        e.PaymentReference,
                        m.Plan.Code,
                        e.EndsAt
                    ),
                ],
            },
            MembershipEnded e when m is not null => m with
            {
                EndedAt = e.At,
                History = [.. m.History, new(e.At, "ended-" + e.Reason, e.PaymentReference, m.Plan.Code, null)],
            },
            _ => m,
        };

    /// <summary>The membership's end, when it has come and is not recorded yet.</summary>
    internal MembershipEnded? EndIfDue(Guid memberId, Instant now, Actor by) =>
        EndedAt is null && now >= ActiveUntil()
            ? new MembershipEnded(
                memberId,
                PaymentReferences[^1],
                EndsAt is not null ? MembershipEnded.Cancelled
                    : GraceUntil is not null ? MembershipEnded.PaymentFailed
                    : MembershipEnded.Expired,
                ActiveUntil(),
                by
            )
            : null;
}

/// <summary>
/// What the billing system reports about a member's membership: each report is idempotent by its payment reference.
/// </summary>
public sealed record MembershipReport(
    string Kind,
    string PaymentReference,
    string? Plan,
    bool Refund,
    Instant At,
    Actor By
)
{
    public const string Purchased = "purchased",
        Renewed = "renewed",
        PaymentFailed = "payment-failed",
        Cancelled = "cancelled";

    /// <summary>A report as the billing system sent it, checked; a purchase names its plan.</summary>
    public static MembershipReport Parse(
        string kind,
        string? reference,
        string? plan,
        bool refund,
        Instant at,
        Actor by
    )
    {
        var id = Guard.Required(reference, "paymentReference", 100);
        return new(kind, id, kind == Purchased ? Guard.Required(plan, "plan", 50) : plan, refund, at, by);
    }

    public static IMemberEvent[] Decide(PointsAccount account, ProgramSettings program, MembershipReport cmd)
    {
        var reference = cmd.PaymentReference;
        if (!account.Enrolled)
            throw new NotFound("memberId", "no such member");
        var membership = account.Membership;
        if (membership?.PaymentReferences.Contains(reference) == true)
            throw new Conflict("paymentReference", "this payment reference is already recorded");
        var zone = program.Zone();
        var current = membership is not null && membership.ActiveAt(cmd.At) ? membership : null;

        switch (cmd.Kind)
        {
            case Purchased:
            {
                var plan = PlanOf(program, cmd.Plan);
                if (account.Closed)
                    throw new RuleBroken("memberId", "the member is closed");
                if (current is not null)
                    throw new RuleBroken("plan", $"the member already has an active {current.Plan.Code} membership");
                return WithBonus(
                    account,
                    program,
                    plan,
                    reference,
                    cmd.At,
                    new MembershipPurchased(
                        account.MemberId,
                        reference,
                        plan,
                        cmd.At,
                        plan.PeriodEnd(cmd.At, zone),
                        cmd.At,
                        cmd.By
                    ),
                    cmd
                );
            }
            case Renewed:
            {
                if (current is null)
                    throw new RuleBroken(
                        "paymentReference",
                        "there is no active membership to renew; report a purchase"
                    );
                if (current.EndsAt is not null)
                    throw new RuleBroken("paymentReference", "the membership is cancelled");
                var plan = program.MembershipPlans.FirstOrDefault(p => p.Code == current.Plan.Code) ?? current.Plan;
                var start = current.PeriodEnd;
                return WithBonus(
                    account,
                    program,
                    plan,
                    reference,
                    start,
                    new MembershipRenewed(
                        account.MemberId,
                        reference,
                        plan,
                        start,
                        plan.PeriodEnd(start, zone),
                        cmd.At,
                        cmd.By
                    ),
                    cmd
                );
            }
            case PaymentFailed:
            {
                if (current is null)
                    throw new RuleBroken("paymentReference", "there is no active membership");
                var grace =
                    current.GraceUntil
                    ?? zone.AtStartOfDay(current.PeriodEnd.InZone(zone).Date.PlusDays(program.MembershipGraceDays))
                        .ToInstant();
                return [new MembershipPaymentFailed(account.MemberId, reference, grace, cmd.At, cmd.By)];
            }
            case Cancelled:
            {
                if (current is null)
                    throw new RuleBroken("paymentReference", "there is no active membership");
                var endsAt = cmd.Refund || current.PeriodEnd <= cmd.At ? cmd.At : current.PeriodEnd;
                IMemberEvent cancelled = new MembershipCancelled(
                    account.MemberId,
                    reference,
                    cmd.Refund,
                    endsAt,
                    cmd.At,
                    cmd.By
                );
                return endsAt == cmd.At
                    ?
                    [
                        cancelled,
                        new MembershipEnded(account.MemberId, reference, MembershipEnded.Cancelled, cmd.At, cmd.By),
                    ]
                    : [cancelled];
            }
            default:
                throw new InvalidInput("kind", $"must be {Purchased}, {Renewed}, {PaymentFailed} or {Cancelled}");
        }
    }

    /// <summary>The membership job's decision: a membership whose end has come is recorded as ended, once.</summary>
    public static IMemberEvent[] EndIfDue(PointsAccount account, Instant now, Actor by) =>
        account.Membership?.EndIfDue(account.MemberId, now, by) is { } ended ? [ended] : [];

    private static MembershipPlan PlanOf(ProgramSettings program, string? code) =>
        program.MembershipPlans.FirstOrDefault(p => p.Code == code)
        ?? throw new RuleBroken("plan", "the program has no such plan");

    private static IMemberEvent[] WithBonus(
        PointsAccount account,
        ProgramSettings program,
        MembershipPlan plan,
        string reference,
        Instant periodStart,
        IMemberEvent paid,
        MembershipReport cmd
    ) =>
        plan.BonusPoints == 0
            ? [paid]
            :
            [
                paid,
                new MembershipBonusEarned(
                    account.MemberId,
                    reference,
                    plan.Code,
                    plan.BonusPoints,
                    account.Balance.SettlesDeficit(plan.BonusPoints),
                    periodStart,
                    program.ExpiresAt(cmd.At),
                    cmd.At,
                    cmd.By
                ),
            ];
}
