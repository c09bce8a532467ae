using CsvHelper;

namespace Loyalty.Api.Infrastructure;

public static class Csv
{
    /// <summary>Whether the caller asked for CSV (<c>Accept: text/csv</c>) rather than JSON.</summary>
    public static bool Wanted(HttpContext http) =>
        http
            .Request.GetTypedHeaders()
            .Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Rows as an RFC 4180 CSV download named <paramref name="name"/>, the header first, written to the response as
/// they are made.
/// </summary>
public sealed class CsvFile(string name, IEnumerable<string> header, IEnumerable<IEnumerable<string?>> rows) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        await using var csv = CsvWriter.Create(http.Response.Body, null, leaveOpen: true);
        var ct = http.RequestAborted;
        await csv.WriteRecordAsync([.. header], ct);
        foreach (var row in rows)
            await csv.WriteRecordAsync([.. row], ct);
        await csv.FlushAsync(ct);
    }
}
