using Loyalty.Domain.Rules;
using Marten;

namespace Loyalty.Api.Finance;

/// <summary>Every change of the program's settings: finance values each period at the settings then in force.</summary>
public static class ProgramHistory
{
    public static async Task<IReadOnlyList<IProgramEvent>> LoadAsync(IQuerySession session, CancellationToken ct) =>
        [
            .. (await session.Events.FetchStreamAsync(ProgramSettings.StreamId, token: ct))
                .Select(e => e.Data)
                .OfType<IProgramEvent>(),
        ];
}
