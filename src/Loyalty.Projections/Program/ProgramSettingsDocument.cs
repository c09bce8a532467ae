using JasperFx.Events;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Common;
using Marten.Events.Aggregation;

namespace Loyalty.Projections.Program;

/// <summary>The program's current settings, read by every purchase: one small document instead of a fold.</summary>
public sealed record ProgramSettingsDocument(Guid Id, ProgramSettings Settings);

public sealed class ProgramSettingsProjection : SingleStreamProjection<ProgramSettingsDocument, Guid>
{
    public ProgramSettingsProjection()
    {
        foreach (var type in DomainEvents.Implementing<IProgramEvent>())
            IncludeType(type);
    }

    public override ProgramSettingsDocument? Evolve(ProgramSettingsDocument? snapshot, Guid id, IEvent e) =>
        e.Data is IProgramEvent @event
            ? new(id, ProgramSettings.Evolve(snapshot?.Settings ?? ProgramSettings.None, @event))
            : snapshot;
}
