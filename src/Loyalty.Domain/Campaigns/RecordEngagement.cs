using System.Text.RegularExpressions;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>
/// A member did something the program may reward: recorded with what it earned. Types the program names are as
/// welcome as the usual ones (a campaign may use them later).
/// </summary>
public sealed partial record RecordEngagement(
    string EventId,
    string Type,
    IReadOnlyDictionary<string, string> Attributes,
    Instant OccurredAt,
    Instant RecordedAt,
    Actor By
)
{
    public const string SignIn = "sign-in",
        Share = "share",
        Review = "review",
        ProfileCompleted = "profile-completed",
        AppInstalled = "app-installed";

    /// <summary>What a member may report about themselves from their own app, when the program allows it.</summary>
    public static readonly string[] ByMembers = [SignIn, Share];

    /// <summary>How old a member's own report may be: the app sends it as it happens.</summary>
    public static readonly Duration MemberReportsWithin = Duration.FromHours(1);

    public const int MaxAttributes = 20,
        MaxAttributeKey = 50,
        MaxAttributeValue = 200;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,49}$")]
    private static partial Regex TypePattern();

    public static string CheckType(string? type, string field)
    {
        var checkedType = Guard.Required(type, field, 50);
        if (!TypePattern().IsMatch(checkedType))
            throw new InvalidInput(field, "must be lower-case letters, digits and hyphens, e.g. sign-in");
        return checkedType;
    }

    public static RecordEngagement Parse(
        string? eventId,
        string? type,
        Instant? occurredAt,
        IReadOnlyDictionary<string, string?>? attributes,
        Instant recordedAt,
        Actor by
    )
    {
        var id = Guard.Required(eventId, "eventId", 100);
        var checkedType = CheckType(type, "type");
        var at = occurredAt ?? throw new InvalidInput("occurredAt", "is required");
        Guard.NotInFuture(at, recordedAt, "occurredAt");
        attributes ??= new Dictionary<string, string?>();
        if (attributes.Count > MaxAttributes)
            throw new InvalidInput("attributes", $"at most {MaxAttributes} attributes");
        var parsed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in attributes)
        {
            var name = Guard.Required(key, "attributes", MaxAttributeKey);
            parsed[name] = Guard.Optional(value, $"attributes.{name}", MaxAttributeValue) ?? "";
        }
        return new(id, checkedType, parsed, at, recordedAt, by);
    }

    /// <summary>The engagement, then what campaigns gave for it.</summary>
    public static IReadOnlyList<IMemberEvent> Decide(
        PointsAccount account,
        ProgramSettings program,
        IReadOnlyList<Campaign> campaigns,
        IReadOnlyDictionary<string, long> budgetLeft,
        RecordEngagement cmd
    )
    {
        if (!account.Enrolled)
            throw new NotFound("memberId", "no such member");
        if (account.Closed)
            throw new RuleBroken("memberId", "the member is closed and earns no more points");
        var recorded = new EngagementRecorded(
            account.MemberId,
            cmd.EventId,
            cmd.Type,
            cmd.Attributes,
            cmd.OccurredAt,
            cmd.RecordedAt,
            cmd.By
        );
        var outcome = CampaignAwards.Decide(OccasionOf(recorded), account, program, campaigns, budgetLeft);
        return [recorded, .. outcome.Events];
    }

    public static CampaignOccasion OccasionOf(EngagementRecorded e) =>
        new(
            [CampaignTrigger.Engagement],
            $"engagement/{e.EventId}",
            e.At,
            e.RecordedAt,
            e.By,
            EngagementType: e.Type,
            Attributes: e.Attributes
        );
}
