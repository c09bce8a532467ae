using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Loyalty.Api.Infrastructure;

/// <summary>Ready means the database answers.</summary>
public sealed class DatabaseHealthCheck(LoyaltyDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy("the database answers");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("the database does not answer", e);
        }
    }
}
