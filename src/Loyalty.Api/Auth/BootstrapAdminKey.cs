using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Marten;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Loyalty.Api.Auth;

/// <summary>
/// The first admin key. Configured (<c>Loyalty:Auth:BootstrapAdminKey</c>): it is made to work, replacing
/// an earlier configured secret. Not configured, on an install with no keys at all: one is generated and
/// printed once to the console, never to the logs.
/// </summary>
public sealed class BootstrapAdminKey(
    IDocumentStore store,
    IClock clock,
    IOptions<AuthSettings> settings,
    FirstKeyNotice notice,
    ILogger<BootstrapAdminKey> log
) : IHostedService
{
    private static readonly Actor Setup = Actor.System("setup");

    public async Task StartAsync(CancellationToken ct)
    {
        var configured = settings.Value.BootstrapAdminKey;
        await using var session = store.LightweightSession();
        var existing = await session.LoadAsync<ApiKey>(ApiKeySecrets.BootstrapKeyId, ct);

        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (configured.Length < 32)
                throw new InvalidOperationException(
                    "Loyalty:Auth:BootstrapAdminKey must be at least 32 characters long."
                );
            if (existing is null)
                Issue(session, configured);
            else if (!ApiKeySecrets.Matches(configured, existing.SecretHash) || existing.Revoked)
                session.Events.Append(
                    ApiKeySecrets.BootstrapKeyId,
                    new ApiKeySecretReplaced(
                        ApiKeySecrets.BootstrapKeyId,
                        ApiKeySecrets.Hash(configured),
                        clock.GetCurrentInstant(),
                        Setup
                    )
                );
            else
                return;
            await SaveAsync(session, "The configured bootstrap admin key is active", ct);
            return;
        }

        if (existing is not null || await session.Query<ApiKey>().AnyAsync(ct))
            return;
        var key = ApiKeySecrets.NewKey(ApiKeySecrets.BootstrapKeyId);
        Issue(session, key);
        if (await SaveAsync(session, "Generated the first admin API key (printed to the console, not logged)", ct))
            notice.Show(key);
    }

    private void Issue(IDocumentSession session, string key) =>
        session.Events.StartStream(
            ApiKeySecrets.BootstrapKeyId,
            IssueApiKey.Decide(
                new IssueApiKey(
                    ApiKeySecrets.BootstrapKeyId,
                    "bootstrap-admin",
                    [],
                    [Permissions.Admin],
                    null,
                    [],
                    ApiKeySecrets.Hash(key),
                    clock.GetCurrentInstant(),
                    Setup
                )
            )
        );

    private async Task<bool> SaveAsync(IDocumentSession session, string message, CancellationToken ct)
    {
        try
        {
            await session.SaveChangesAsync(ct);
            log.LogInformation("{Message}", message);
            return true;
        }
        catch (Exception e) when (EventStreams.IsWriteConflict(e))
        {
            return false; // another node did it at the same moment
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Shows the generated first admin key to whoever started the service: on the console, never in the logs.
/// </summary>
public class FirstKeyNotice
{
    public virtual void Show(string key) =>
        Console.WriteLine(
            $"""

            === Loyalty: the first admin API key (shown only this once) ===
            {key}
            Keep it in a safe place. Call the API with 'Authorization: Bearer <key>' to issue the keys your
            systems and staff need (POST /api-keys); revoke this one later or keep it for emergencies.
            Lost it? Set Loyalty__Auth__BootstrapAdminKey to a secret of your own and restart.

            """
        );
}
