using System.Collections.Immutable;
using JasperFx.Events;
using Loyalty.Domain.Access;
using Marten.Events.Aggregation;

namespace Loyalty.Projections.Access;

/// <summary>Inline: a key works, and a revoked key stops working, the moment the admin's call answers.</summary>
public sealed class ApiKeyProjection : SingleStreamProjection<ApiKey, Guid>
{
    public ApiKeyProjection()
    {
        IncludeType<ApiKeyIssued>();
        IncludeType<ApiKeyRevoked>();
        IncludeType<ApiKeySecretReplaced>();
    }

    public override ApiKey? Evolve(ApiKey? snapshot, Guid id, IEvent e) =>
        e.Data is IAccessEvent @event ? ApiKey.Evolve(snapshot, @event) : snapshot;
}

/// <summary>The staff roles admins granted, by subject, as one document.</summary>
public sealed record StaffDirectory(Guid Id, Dictionary<string, string[]> RolesBySubject)
{
    public IReadOnlyList<string> RolesOf(string subject) =>
        RolesBySubject.TryGetValue(subject, out var roles) ? roles : [];
}

public sealed class StaffDirectoryProjection : SingleStreamProjection<StaffDirectory, Guid>
{
    public StaffDirectoryProjection()
    {
        IncludeType<StaffRoleGranted>();
        IncludeType<StaffRoleRevoked>();
    }

    public override StaffDirectory? Evolve(StaffDirectory? snapshot, Guid id, IEvent e)
    {
        if (e.Data is not IAccessEvent @event)
            return snapshot;
        var staff = new StaffRoles(
            (snapshot?.RolesBySubject ?? []).ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutableHashSet())
        );
        staff = StaffRoles.Evolve(staff, @event);
        return new StaffDirectory(
            id,
            staff.BySubject.Where(p => !p.Value.IsEmpty).ToDictionary(p => p.Key, p => p.Value.Order().ToArray())
        );
    }
}
