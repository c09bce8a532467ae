using NodaTime;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// For tests of the service as separate processes, where a fake clock cannot be handed in: the system's time moved
/// on by the number of seconds written in a file (<c>Loyalty:Testing:ClockOffsetFile</c>), read again when the file
/// changes. Every node given the same file lives at the same moment. Never set in production.
/// </summary>
public sealed class OffsetFileClock(string path) : IClock
{
    private (DateTime Written, Duration Offset) _read;

    public Instant GetCurrentInstant() => SystemClock.Instance.GetCurrentInstant() + Offset();

    private Duration Offset()
    {
        var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        var read = _read;
        if (read.Written == written)
            return read.Offset;
        var seconds = written == DateTime.MinValue ? 0 : long.Parse(File.ReadAllText(path).Trim());
        _read = (written, Duration.FromSeconds(seconds));
        return _read.Offset;
    }
}
