using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Access;

public class AccessTests
{
    private static readonly StaffRoles WithSupport = StaffRoles.Evolve(
        StaffRoles.None,
        new StaffRoleGranted("alice", "support", Now, Till)
    );

    [Fact]
    public void granting_a_role_records_it_once()
    {
        var grant = GrantStaffRole.Parse(" alice ", "support", Now, Till);

        Assert.Equivalent(
            new[] { new StaffRoleGranted("alice", "support", Now, Till) },
            GrantStaffRole.Decide(StaffRoles.None, grant)
        );
        Assert.Empty(GrantStaffRole.Decide(WithSupport, grant));
    }

    [Fact]
    public void revoking_a_role_not_held_records_nothing()
    {
        var revoke = RevokeStaffRole.Parse("alice", "support", Now, Till);

        Assert.Equivalent(
            new[] { new StaffRoleRevoked("alice", "support", Now, Till) },
            RevokeStaffRole.Decide(WithSupport, revoke)
        );
        Assert.Empty(RevokeStaffRole.Decide(StaffRoles.None, revoke));
    }

    [Fact]
    public void an_unknown_role_is_refused_naming_the_roles()
    {
        var error = Assert.Throws<InvalidInput>(() => GrantStaffRole.Parse("alice", "janitor", Now, Till));

        Assert.Equal("role", error.Field);
        Assert.Contains("support", error.Reason);
    }

    [Fact]
    public void a_revocation_needs_a_reason() =>
        Assert.Equal("reason", Assert.Throws<InvalidInput>(() => RevokeApiKey.Parse(" ", Now, Till)).Field);
}
