using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using NodaTime;

namespace Loyalty.Domain.Automations;

/// <summary>
/// Automation <see cref="Automation"/> (version <see cref="Version"/>) fired for the member, once for
/// <see cref="Occurrence"/> (e.g. <c>birthday/2027</c>, <c>stage/dormant/2027-03-01</c>), which came on the local day
/// <see cref="On"/>. <see cref="Amount"/>: the points expiring, or what is missing of the tier's metric.
/// <see cref="Points"/> were given through <see cref="Campaign"/> (in the same write), or
/// <see cref="Withheld"/> says why not; <see cref="Tags"/> were put on the member; <see cref="Notify"/>: webhooks
/// are told (<c>automation.fired</c>).
/// </summary>
public sealed record AutomationFired(
    Guid MemberId,
    string Automation,
    int Version,
    string Trigger,
    string Occurrence,
    LocalDate On,
    decimal? Amount,
    string? Campaign,
    int Points,
    string? Withheld,
    IReadOnlyList<string> Tags,
    bool Notify,
    Instant At,
    Actor By
) : IMemberEvent
{
    /// <summary>How the member's account remembers the occurrence, so that it never fires twice.</summary>
    public static string KeyOf(string automation, string occurrence) => $"{automation}/{occurrence}";
}
