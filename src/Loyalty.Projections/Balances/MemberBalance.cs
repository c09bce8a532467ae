using JasperFx.Events;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Projections.Common;
using Marten.Events.Aggregation;

namespace Loyalty.Projections.Balances;

/// <summary>
/// A member's points as their app shows them, and as the next points write decides on: the account and the
/// stream version it reflects.
/// </summary>
public sealed record MemberBalance(Guid Id, Balance Balance, long Version, bool Enrolled = false, bool Closed = false)
{
    public PointsAccount Account => new(Id, Enrolled, Closed, Balance);
}

/// <summary>Inline: committed with the events that change it, so it is current the moment a write answers.</summary>
public sealed class MemberBalanceProjection : SingleStreamProjection<MemberBalance, Guid>
{
    public MemberBalanceProjection()
    {
        foreach (var type in DomainEvents.Implementing<IMemberEvent>()) IncludeType(type);
    }

    public override MemberBalance? Evolve(MemberBalance? snapshot, Guid id, IEvent e)
    {
        if (e.Data is not IMemberEvent @event) return snapshot;
        var account = PointsAccount.Evolve(snapshot?.Account ?? PointsAccount.Initial(id), @event);
        return new MemberBalance(id, account.Balance, e.Version, account.Enrolled, account.Closed);
    }
}
