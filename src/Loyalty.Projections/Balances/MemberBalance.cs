using JasperFx.Events;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Marten.Events.Aggregation;

namespace Loyalty.Projections.Balances;

/// <summary>What a member's app shows first: the points they have, and the stream version it reflects.</summary>
public sealed record MemberBalance(Guid Id, Balance Balance, long Version);

/// <summary>Inline: the balance is committed with the events that change it, so it is current the moment a write answers.</summary>
public sealed class MemberBalanceProjection : SingleStreamProjection<MemberBalance, Guid>
{
    public override MemberBalance? Evolve(MemberBalance? snapshot, Guid id, IEvent e) => e.Data is IMemberEvent @event
        ? (snapshot ?? new MemberBalance(id, Balance.Zero, 0)) with { Balance = (snapshot?.Balance ?? Balance.Zero).After(@event), Version = e.Version }
        : snapshot;
}
