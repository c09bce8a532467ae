using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Rules;

namespace Loyalty.Api.Rules;

/// <summary>A write to the program's settings stream: decided on the settings, answered from those after it.</summary>
public abstract record ProgramWrite<TResponse>()
    : FoldedStreamWrite<ProgramSettings, IProgramEvent, TResponse>(ProgramSettings.StreamId)
    where TResponse : notnull
{
    protected override ProgramSettings Initial => ProgramSettings.None;

    protected override ProgramSettings Evolve(ProgramSettings settings, IProgramEvent @event) =>
        ProgramSettings.Evolve(settings, @event);
}

public static class ProgramWrite
{
    /// <summary>Runs the write, then forgets this node's cached copy of the settings.</summary>
    public static async Task<IResult> RespondAsync<TResponse>(
        ProgramWrite<TResponse> write,
        EventStreams streams,
        ProgramSettingsCache cache,
        CancellationToken ct
    )
        where TResponse : notnull
    {
        var answer = await streams.Respond(write, StatusCodes.Status200OK, ct);
        cache.Forget(ProgramSettings.StreamId);
        return answer;
    }
}
