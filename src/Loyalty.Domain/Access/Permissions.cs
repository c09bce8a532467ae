namespace Loyalty.Domain.Access;

/// <summary>
/// What a caller may do. System keys are granted scopes; staff hold roles, each a fixed set of
/// permissions; a member token acts only for its own member.
/// </summary>
public static class Permissions
{
    public const string MembersRead = "members:read";
    public const string MembersWrite = "members:write";
    public const string PointsEarn = "points:earn";
    public const string PointsRedeem = "points:redeem";
    public const string PointsAdjust = "points:adjust";
    public const string EngagementWrite = "engagement:write";
    public const string MembershipsWrite = "memberships:write";
    public const string ProgramRead = "program:read";
    public const string ProgramWrite = "program:write";
    public const string AuditRead = "audit:read";
    public const string AccessManage = "access:manage";
    public const string MetricsRead = "metrics:read";
    public const string ReferralsRead = "referrals:read";
    public const string FinanceRead = "finance:read";
    public const string InsightRead = "insight:read";
    public const string WebhooksManage = "webhooks:manage";

    /// <summary>The scopes an API key for a system can be given.</summary>
    public static readonly IReadOnlySet<string> Scopes = new HashSet<string>
    {
        MembersRead,
        MembersWrite,
        PointsEarn,
        PointsRedeem,
        PointsAdjust,
        EngagementWrite,
        MembershipsWrite,
        ProgramRead,
        MetricsRead,
        ReferralsRead,
        FinanceRead,
        InsightRead,
        WebhooksManage,
    };

    public const string ProgramManager = "program-manager";
    public const string Finance = "finance";
    public const string Support = "support";
    public const string Admin = "admin";

    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Roles = new Dictionary<
        string,
        IReadOnlySet<string>
    >
    {
        [ProgramManager] = new HashSet<string> { ProgramRead, ProgramWrite, ReferralsRead, InsightRead },
        [Finance] = new HashSet<string>
        {
            MembersRead,
            ProgramRead,
            AuditRead,
            ReferralsRead,
            FinanceRead,
            InsightRead,
        },
        [Support] = new HashSet<string> { MembersRead, MembersWrite, PointsAdjust, ProgramRead, InsightRead },
        [Admin] = new HashSet<string>
        {
            MembersRead,
            MembersWrite,
            PointsEarn,
            PointsRedeem,
            PointsAdjust,
            EngagementWrite,
            MembershipsWrite,
            ProgramRead,
            ProgramWrite,
            AuditRead,
            AccessManage,
            MetricsRead,
            ReferralsRead,
            FinanceRead,
            InsightRead,
            WebhooksManage,
        },
    };

    /// <summary>
    /// A member token reads its own member; it redeems, and reports its own sign-ins and shares, only where the program
    /// allows members to.
    /// </summary>
    public static readonly IReadOnlySet<string> Member = new HashSet<string>
    {
        MembersRead,
        ProgramRead,
        PointsRedeem,
        EngagementWrite,
    };

    public static IReadOnlySet<string> Of(IEnumerable<string> scopes, IEnumerable<string> roles) =>
        scopes
            .Concat(
                roles.SelectMany(role =>
                    Roles.TryGetValue(role, out var granted) ? granted : Enumerable.Empty<string>()
                )
            )
            .ToHashSet();
}
