using Loyalty.Domain.Common;

namespace Loyalty.Api.Infrastructure;

public static class Body
{
    /// <summary>
    /// A JSON body of literally <c>null</c> reaches the endpoint as null; it is refused like any missing field.
    /// </summary>
    public static T Required<T>(T? body)
        where T : class => body ?? throw new InvalidInput("body", "is required");
}
