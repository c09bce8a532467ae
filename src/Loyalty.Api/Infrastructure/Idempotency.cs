using System.Security.Cryptography;
using System.Text.Json;
using NodaTime;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// The first answer to a write, kept for good under its idempotency key and committed in the same
/// transaction as the write's events. A retry with the same request gets this answer again; the same key
/// with a different request is a conflict.
/// </summary>
public sealed record IdempotencyRecord(
    string Id,
    string Fingerprint,
    int Status,
    string Body,
    Guid StreamId,
    Instant RecordedAt
);

/// <param name="Id">the key with its scope, e.g. <c>purchase/pos-1/T-1001</c></param>
/// <param name="Field">the request field that carries the key, named in a 409</param>
/// <param name="Fingerprint">a hash of everything the caller sent that the answer depends on</param>
public sealed record IdempotencyKey(string Id, string Field, string Fingerprint)
{
    public static IdempotencyKey For(string id, string field, object request, JsonSerializerOptions json) =>
        new(
            id,
            field,
            Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), json)))
        );
}
