using Marten;
using Marten.Services;
using Npgsql;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// What Marten logs of its commands. Marten's own logger writes a failed batch's SQL and parameter values as an
/// error: values that hold members' data, and, for every write conflict the runner retries as a matter of course, an
/// error and a stack trace that cost more than the retry. Here a write conflict is a debug line naming its kind, any
/// other failure an error with its exception and no SQL or values, and a schema change its DDL.
/// </summary>
public sealed class MartenLog(ILogger<IDocumentStore> logger) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => logger.LogInformation("Database schema changed: {Sql}", sql);

    public void LogSuccess(NpgsqlCommand command) { }

    public void LogSuccess(NpgsqlBatch batch) { }

    public void LogFailure(NpgsqlCommand command, Exception ex) => Failed(ex);

    public void LogFailure(NpgsqlBatch batch, Exception ex) => Failed(ex);

    public void LogFailure(Exception ex, string message) => Failed(ex);

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) { }

    public void OnBeforeExecute(NpgsqlCommand command) { }

    public void OnBeforeExecute(NpgsqlBatch batch) { }

    private void Failed(Exception ex)
    {
        if (EventStreams.IsWriteConflict(ex))
            logger.LogDebug("A database command met a write conflict ({Kind}); the write is decided again", Kind(ex));
        else
            logger.LogError(ex, "A database command failed");
    }

    private static string Kind(Exception ex) => ex is PostgresException pg ? pg.SqlState : ex.GetType().Name;
}
