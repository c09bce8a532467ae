using System.Collections.Concurrent;
using System.Linq.Expressions;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Domain.Members;
using Loyalty.Projections.Balances;
using Marten;

namespace Loyalty.Api.Points;

/// <summary>A job's decision for one member, as a write of its own: what time alone brings (expiry, reviews).</summary>
public abstract record JobWrite(Guid MemberId) : MemberWrite<NoRecord, int>(MemberId, null)
{
    public override int Answer(MemberWritten<NoRecord> written) => written.Events.Count;
}

/// <summary>
/// A job's pass over the members that have something due (<c>isDue</c>, on an indexed field of their balance):
/// each member's decision is a write of its own (<c>writeFor</c>), kept apart from other writers (and
/// from the same job on another node) by the stream version, four members at a time, with progress in the log.
/// Returns how many members it changed and the events it wrote.
/// </summary>
internal static class MemberJobs
{
    public static async Task<(int Members, IReadOnlyList<IMemberEvent> Events)> RunAsync(
        string job,
        IDocumentStore store,
        Expression<Func<MemberBalance, bool>> isDue,
        EventStreams streams,
        Func<Guid, JobWrite> writeFor,
        ILogger log,
        CancellationToken ct
    )
    {
        IReadOnlyList<Guid> due;
        await using (var session = store.QuerySession())
            due = await session.Query<MemberBalance>().Where(isDue).Select(b => b.Id).ToListAsync(ct);
        return await RunAsync(job, due, streams, writeFor, log, ct);
    }

    /// <summary>The same pass over members found otherwise (<paramref name="due"/>).</summary>
    public static async Task<(int Members, IReadOnlyList<IMemberEvent> Events)> RunAsync(
        string job,
        IReadOnlyList<Guid> due,
        EventStreams streams,
        Func<Guid, JobWrite> writeFor,
        ILogger log,
        CancellationToken ct
    )
    {
        using var span = Telemetry.Source.StartActivity(job);
        var tag = new KeyValuePair<string, object?>("job", job);
        streams.Metrics.JobRuns.Add(1, tag);
        if (due.Count == 0)
            return (0, []);
        log.LogInformation("{Job} at {At}: {Members} members have something due", job, streams.Now, due.Count);

        var written = new ConcurrentQueue<IMemberEvent>();
        var (members, done, failed) = (0, 0, 0);
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct };
        await Parallel.ForEachAsync(
            due,
            options,
            async (member, token) =>
            {
                try
                {
                    var committed = await streams.Apply(writeFor(member), token);
                    if (committed.Events.Count > 0)
                    {
                        Interlocked.Increment(ref members);
                        foreach (var e in committed.Events)
                            written.Enqueue(e);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One member's failure must not keep the others from what is due to them.
                    if (Interlocked.Increment(ref failed) == 1)
                        log.LogError(e, "{Job}: member {Member} failed; the next run tries again", job, member);
                }
                if (Interlocked.Increment(ref done) % 1000 == 0)
                    log.LogInformation("{Job}: {Done} of {Members} members", job, done, due.Count);
            }
        );
        if (failed > 1)
            log.LogError("{Job}: {Failed} members failed; the next run tries them again", job, failed);
        streams.Metrics.JobMembers.Add(members, tag);
        span?.SetTag("loyalty.job.members", members);
        return (members, written.ToArray());
    }
}
