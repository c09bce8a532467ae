using System.Diagnostics;
using JasperFx.Events.Projections;
using Loyalty.Projections.Balances;
using Marten;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// <c>rebuild &lt;projection&gt;… | all</c>: rebuilds read models from the events, with the service stopped, telling
/// progress and the time left. Each rebuild starts from nothing, so an interrupted one is put right by running it
/// again.
/// </summary>
public static class Maintenance
{
    private static readonly TimeSpan TellEvery = TimeSpan.FromSeconds(2);

    public static async Task<int> RebuildAsync(IServiceProvider services, string[] names)
    {
        var store = (DocumentStore)services.GetRequiredService<IDocumentStore>();
        var known = store
            .Options.Projections.All.Where(p => p.Lifecycle != ProjectionLifecycle.Live)
            .Select(p => p.Name)
            .ToList();
        List<string?> chosen = names is ["all"]
            ? [.. known]
            : [.. names.Select(name => known.FirstOrDefault(k => Matches(k, name)))];
        if (chosen.Count == 0 || chosen.Any(c => c is null))
        {
            var projections = string.Join(", ", known.Select(ShortName));
            Console.Error.WriteLine("Usage: rebuild <projection>… | all. The projections: " + projections);
            return 2;
        }

        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var events = (await store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
        var listed = string.Join(", ", chosen.Select(c => ShortName(c!)));
        Console.WriteLine(
            $"Rebuilding {listed} from {events:N0} events. "
                + "Interrupted? Run the same command again: each rebuild starts over."
        );
        var all = Stopwatch.StartNew();
        foreach (var name in chosen)
            await RebuildOneAsync(store, name!, events);
        Console.WriteLine($"Done in {all.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    private static async Task RebuildOneAsync(DocumentStore store, string name, long events)
    {
        var progress = new Progress(ShortName(name), events);
        if (name == nameof(MemberBalance))
        {
            // Five times faster than the daemon's general rebuild: see BalanceRebuild.
            await BalanceRebuild.RunAsync(store, progress.Tell);
        }
        else
        {
            using var daemon = await store.BuildProjectionDaemonAsync();
            var rebuilding = daemon.RebuildProjectionAsync(name, TimeSpan.FromHours(6), CancellationToken.None);
            while (await Task.WhenAny(rebuilding, Task.Delay(TellEvery)) != rebuilding)
            {
                var shards = await store.Advanced.AllProjectionProgress();
                var shard = shards.FirstOrDefault(s => s.ShardName.StartsWith(name + ":"));
                if (shard is not null)
                    progress.Tell(shard.Sequence);
            }
            await rebuilding;
        }
        progress.Done();
    }

    private static bool Matches(string projection, string asked) =>
        string.Equals(projection, asked, StringComparison.OrdinalIgnoreCase)
        || string.Equals(ShortName(projection), asked, StringComparison.OrdinalIgnoreCase);

    /// <summary>An event projection is named by its class's full name; the last part is enough to tell them
    /// apart.</summary>
    private static string ShortName(string projection) => projection.Split('.')[^1];

    /// <summary>Tells how far a rebuild is, how fast it goes and about how long it has left.</summary>
    private sealed class Progress(string name, long events)
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private TimeSpan _told = TimeSpan.Zero;

        public void Tell(long done)
        {
            if (_watch.Elapsed - _told < TellEvery || done <= 0)
                return;
            _told = _watch.Elapsed;
            var rate = done / _watch.Elapsed.TotalSeconds;
            var left = TimeSpan.FromSeconds(Math.Max(0, events - done) / rate);
            Console.WriteLine(
                $"  {name}: {done:N0} of {events:N0} events ({100.0 * done / Math.Max(1, events):0}%), "
                    + $"{rate:N0} events/s, about {left:h\\:mm\\:ss} left"
            );
        }

        public void Done() => Console.WriteLine($"  {name}: rebuilt in {_watch.Elapsed.TotalSeconds:0.0} s");
    }
}
