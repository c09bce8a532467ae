using System.Collections.Immutable;
using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Access;

/// <summary>
/// The roles admins granted to staff users, by their identity provider subject. One stream for all staff:
/// it is small and every grant is an admin action.
/// </summary>
public sealed record StaffRoles(ImmutableDictionary<string, ImmutableHashSet<string>> BySubject)
{
    public static readonly Guid StreamId = new("10000000-0000-0000-0000-000000000002");
    public static readonly StaffRoles None = new(ImmutableDictionary<string, ImmutableHashSet<string>>.Empty);

    public ImmutableHashSet<string> Of(string subject) =>
        BySubject.TryGetValue(subject, out var roles) ? roles : ImmutableHashSet<string>.Empty;

    public static StaffRoles Evolve(StaffRoles staff, IAccessEvent @event) =>
        @event switch
        {
            StaffRoleGranted e => new(staff.BySubject.SetItem(e.Subject, staff.Of(e.Subject).Add(e.Role))),
            StaffRoleRevoked e => new(staff.BySubject.SetItem(e.Subject, staff.Of(e.Subject).Remove(e.Role))),
            _ => staff,
        };
}

public sealed record GrantStaffRole(string Subject, string Role, Instant At, Actor By)
{
    public static GrantStaffRole Parse(string? subject, string? role, Instant at, Actor by)
    {
        var (s, r) = Check(subject, role);
        return new(s, r, at, by);
    }

    public static IAccessEvent[] Decide(StaffRoles staff, GrantStaffRole cmd) =>
        staff.Of(cmd.Subject).Contains(cmd.Role) ? [] : [new StaffRoleGranted(cmd.Subject, cmd.Role, cmd.At, cmd.By)];

    /// <summary>A subject and one of the staff roles, checked for both grants and revocations.</summary>
    internal static (string Subject, string Role) Check(string? subject, string? role)
    {
        var s = Guard.Required(subject, "subject", 200);
        var r = Guard.Required(role, "role", 50);
        if (!Permissions.Roles.ContainsKey(r))
            throw new InvalidInput(
                "role",
                $"'{r}' is not a role; roles are {string.Join(", ", Permissions.Roles.Keys)}"
            );
        return (s, r);
    }
}

public sealed record RevokeStaffRole(string Subject, string Role, Instant At, Actor By)
{
    public static RevokeStaffRole Parse(string? subject, string? role, Instant at, Actor by)
    {
        var (s, r) = GrantStaffRole.Check(subject, role);
        return new(s, r, at, by);
    }

    public static IAccessEvent[] Decide(StaffRoles staff, RevokeStaffRole cmd) =>
        staff.Of(cmd.Subject).Contains(cmd.Role) ? [new StaffRoleRevoked(cmd.Subject, cmd.Role, cmd.At, cmd.By)] : [];
}
