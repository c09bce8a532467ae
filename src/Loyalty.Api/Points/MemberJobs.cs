using System.Collections.Concurrent;
using System.Linq.Expressions;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Balances;
using Marten;

namespace Loyalty.Api.Points;

/// <summary>
/// A job's pass over the members that have something due (<c>isDue</c>, on an indexed field of their balance): each member's decision is a write of its own, kept apart
/// from other writers (and from the same job on another node) by the stream version, four members at a time, with
/// progress in the log. Returns how many members it changed and the events it wrote.
/// </summary>
internal static class MemberJobs
{
    public static async Task<(int Members, IReadOnlyList<IMemberEvent> Events)> RunAsync(string job, IDocumentStore store,
        Expression<Func<MemberBalance, bool>> isDue, EventStreams streams, ProgramSettings program, Func<PointsAccount, IReadOnlyList<IMemberEvent>> decide,
        ILogger log, CancellationToken ct)
    {
        using var span = Telemetry.Source.StartActivity(job);
        var tag = new KeyValuePair<string, object?>("job", job);
        streams.Metrics.JobRuns.Add(1, tag);
        IReadOnlyList<Guid> due;
        await using (var session = store.QuerySession())
            due = await session.Query<MemberBalance>().Where(isDue).Select(b => b.Id).ToListAsync(ct);
        if (due.Count == 0) return (0, []);
        log.LogInformation("{Job} at {At}: {Members} members have something due", job, streams.Now, due.Count);

        var written = new ConcurrentQueue<IMemberEvent>();
        var (members, done) = (0, 0);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (member, token) =>
        {
            // A write retried after a conflict decides again: only the attempt that committed counts.
            IReadOnlyList<IMemberEvent> committed = [];
            await PointsWrites.Append(streams, member, null, program, decide, (w, _) => (committed = w.Events).Count, StatusCodes.Status200OK, token);
            if (committed.Count > 0)
            {
                Interlocked.Increment(ref members);
                foreach (var e in committed) written.Enqueue(e);
            }
            if (Interlocked.Increment(ref done) % 1000 == 0) log.LogInformation("{Job}: {Done} of {Members} members", job, done, due.Count);
        });
        streams.Metrics.JobMembers.Add(members, tag);
        span?.SetTag("loyalty.job.members", members);
        return (members, written.ToArray());
    }
}
