using System.Text;

namespace Loyalty.Harness;

/// <summary>Generates requests that each carry at least one real defect, with noise around it.</summary>
public static class Hostile
{
    private static readonly string[] Injections =
    [
        "'; drop table loyalty.mt_events; --", "\" OR 1=1 --", "{\"$ne\":null}", "<script>alert(1)</script>", "../../etc/passwd",
        "\u0000", "%00", "${jndi:ldap://x}", "🙂🙃", new string('A', 5000)
    ];

    public static (string Path, string Body) Request(Random random, Guid[] members)
    {
        var member = random.Next(4) == 0 ? Guid.NewGuid() : members[random.Next(members.Length)];
        var injection = Injections[random.Next(Injections.Length)];
        var noise = random.Next(3) == 0 ? $",\"unknown{random.Next(100)}\":{(random.Next(2) == 0 ? "[1,2,{\"deep\":true}]" : "\"x\"")}" : "";
        return random.Next(6) switch
        {
            0 => ("/purchases", PurchaseWithDefect(random, member, injection, noise)),
            1 => ($"/members/{member}/redemptions", RedemptionWithDefect(random, injection, noise)),
            2 => ($"/members/{member}/adjustments", AdjustmentWithDefect(random, injection, noise)),
            3 => ("/members", EnrollmentWithDefect(random, injection, noise)),
            4 => ($"/purchases/till/{Uri.EscapeDataString(injection[..Math.Min(50, injection.Length)])}/returns",
                  $"{{\"returnId\":\"r\",\"lines\":[{{\"lineId\":\"1\",\"quantity\":{random.Next(1, 3)}}}]{noise}}}"),
            _ => (random.Next(2) == 0 ? "/purchases" : $"/members/{member}/redemptions", Garbage(random))
        };
    }

    private static string PurchaseWithDefect(Random random, Guid member, string injection, string noise)
    {
        string quantity = "1", price = "10", discount = "0", currency = "\"EUR\"", occurredAt = "\"2026-01-01T10:00:00Z\"", tx = $"\"{J(injection)}\"";
        var memberField = $"\"memberId\":\"{member}\"";
        switch (random.Next(11))
        {
            case 0: quantity = "\"two\""; break;
            case 1: quantity = "-1"; break;
            case 2: price = "1e30"; break;
            case 3: discount = "99999"; break;
            case 4: currency = "\"XXX\""; break;
            case 5: occurredAt = $"\"{J(injection)}\""; break;
            case 6: tx = "null"; break;
            case 7: memberField = $"\"memberId\":\"{J(injection)}\""; break;
            case 8: quantity = "99999999999999999999999999999999"; break;
            case 9: memberField = $"\"memberExternalId\":\"{J(injection)}-unknown\""; break;
            default: price = "[]"; break;
        }
        return $"{{\"transactionId\":{tx},{memberField},\"storeId\":\"s\",\"occurredAt\":{occurredAt},\"currency\":{currency}," +
               $"\"lines\":[{{\"lineId\":\"1\",\"sku\":\"{J(injection)}\",\"quantity\":{quantity},\"unitPrice\":{price},\"discount\":{discount}}}]{noise}}}";
    }

    private static string RedemptionWithDefect(Random random, string injection, string noise) => random.Next(5) switch
    {
        0 => $"{{\"redemptionId\":\"{J(injection)}\",\"points\":1000000000,\"reward\":\"x\"{noise}}}",
        1 => $"{{\"redemptionId\":\"r\",\"points\":-5,\"reward\":\"{J(injection)}\"{noise}}}",
        2 => $"{{\"redemptionId\":\"r\",\"points\":99999999999,\"reward\":\"x\"{noise}}}",
        3 => $"{{\"redemptionId\":\"r\",\"points\":\"{J(injection)}\",\"reward\":\"x\"{noise}}}",
        _ => $"{{\"points\":5,\"reward\":\"{J(injection)}\"{noise}}}"
    };

    private static string AdjustmentWithDefect(Random random, string injection, string noise) => random.Next(3) switch
    {
        0 => $"{{\"adjustmentId\":\"{J(injection)}\",\"points\":5{noise}}}",
        1 => $"{{\"adjustmentId\":\"a\",\"points\":-2147483648,\"reason\":\"{J(injection)}\"{noise}}}",
        _ => $"{{\"adjustmentId\":\"a\",\"points\":0,\"reason\":\"x\"{noise}}}"
    };

    private static string EnrollmentWithDefect(Random random, string injection, string noise) => random.Next(4) switch
    {
        0 => $"{{\"externalId\":\"{J(injection)}\",\"name\":\"x\",\"email\":\"{J(injection)}\"{noise}}}",
        1 => $"{{\"externalId\":\"{J(injection)}\",\"name\":\"x\",\"timeZone\":\"{J(injection)}\"{noise}}}",
        2 => $"{{\"externalId\":\"{J(injection)}\",\"name\":\"x\",\"birthday\":\"{J(injection)}\"{noise}}}",
        _ => $"{{\"externalId\":\"{new string('x', 300)}\",\"name\":\"{J(injection)}\"{noise}}}"
    };

    private static string Garbage(Random random) => random.Next(6) switch
    {
        0 => Encoding.Latin1.GetString([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0xC3, 0x28, 0x7D]), // bad UTF-8 inside JSON
        1 => "{\"transactionId\": ",
        2 => "[1,2,3]",
        3 => "{\"lines\":" + new string('[', 5000) + new string(']', 5000) + "}",
        4 => "{\"sku\":\"" + new string('x', 2_000_000) + "\"}",
        _ => "null"
    };

    /// <summary>Escapes text for a JSON string literal.</summary>
    private static string J(string text) => System.Text.Json.JsonSerializer.Serialize(text)[1..^1];
}
