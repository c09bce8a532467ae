namespace Loyalty.Domain.Common;

/// <summary>Who performed an action: a calling system, a staff user or the member. Recorded on every event.</summary>
public sealed record Actor(string Kind, string Id, string Name)
{
    public static Actor System(string id) => new("system", id, id);
}
