using Loyalty.Domain.Common;

namespace Loyalty.Api.Infrastructure;

/// <summary>Who is calling. Until API keys arrive the caller names itself in <c>X-Client-Id</c>.</summary>
public static class Clients
{
    public static Actor ActorOf(HttpContext context)
    {
        var id = context.Request.Headers["X-Client-Id"].ToString();
        id = string.IsNullOrWhiteSpace(id) || id.Length > 100 ? "anonymous" : id.Trim();
        return new Actor("client", id, id);
    }
}
