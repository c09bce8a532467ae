using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;

namespace Loyalty.Api.Auth;

public sealed record StaffMember(string Subject, IReadOnlyList<string> Roles);

/// <summary>
/// A change of a user's staff roles: decided on the roles as they stand, answered with the user's roles.
/// </summary>
public abstract record StaffRolesWrite(string Subject)
    : FoldedStreamWrite<StaffRoles, IAccessEvent, StaffMember>(StaffRoles.StreamId)
{
    protected override StaffRoles Initial => StaffRoles.None;

    protected override StaffRoles Evolve(StaffRoles staff, IAccessEvent @event) => StaffRoles.Evolve(staff, @event);

    public override StaffMember Answer(StaffRoles after) => new(Subject, after.Of(Subject).Order().ToArray());
}
