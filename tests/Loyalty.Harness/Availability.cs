namespace Loyalty.Harness;

/// <summary>
/// Whether the service can answer right now, as the harness knows it because the harness is what kills it
/// and stops its database. A client that got no answer, or a 503, waits here instead of sleeping: it retries
/// the moment the harness has brought things back.
/// </summary>
public sealed class Availability
{
    private volatile TaskCompletionSource _open = Opened();

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    /// <summary>Before the harness takes the service or its database away.</summary>
    public void Close()
    {
        if (_open.Task.IsCompleted)
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Once the service and its database are back.</summary>
    public void Open() => _open.TrySetResult();

    public Task WhenOpen() => _open.Task;
}
