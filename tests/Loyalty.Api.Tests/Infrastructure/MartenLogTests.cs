using Loyalty.Api.Infrastructure;
using Marten;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Loyalty.Api.Tests.Infrastructure;

/// <summary>
/// Failed commands are logged without their SQL or values; write conflicts, which are retried, at Debug.
/// </summary>
public class MartenLogTests
{
    private const string Sql = "insert into loyalty.mt_doc_memberview (id, data) values ($1, $2)";
    private const string Email = "ada@example.com";

    [Fact]
    public void a_write_conflict_is_one_debug_line_naming_its_kind()
    {
        var logger = new ListLogger();
        var conflict = new PostgresException("every slice is held", "ERROR", "ERROR", WriteConflict.SqlState);

        new MartenLog(logger).LogFailure(Batch(), conflict);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Null(entry.Exception);
        Assert.Contains(WriteConflict.SqlState, entry.Message);
        Assert.DoesNotContain("insert", entry.Message);
    }

    [Fact]
    public void any_other_failure_is_an_error_without_the_sql_or_its_values()
    {
        var logger = new ListLogger();
        var failure = new PostgresException("disk full", "ERROR", "ERROR", PostgresErrorCodes.DiskFull);

        new MartenLog(logger).LogFailure(Batch(), failure);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Same(failure, entry.Exception);
        Assert.DoesNotContain("insert", entry.Message);
        Assert.DoesNotContain(Email, entry.Message);
    }

    private static NpgsqlBatch Batch() =>
        new() { BatchCommands = { new NpgsqlBatchCommand(Sql) { Parameters = { new() { Value = Email } } } } };

    private sealed class ListLogger : ILogger<IDocumentStore>
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel level,
            EventId id,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        ) => Entries.Add((level, formatter(state, exception), exception));
    }
}
