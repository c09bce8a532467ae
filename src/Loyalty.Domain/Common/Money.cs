namespace Loyalty.Domain.Common;

/// <summary>An exact amount of money in a currency (ISO 4217 code). Never rounded implicitly.</summary>
public sealed record Money(decimal Amount, string Currency)
{
    public override string ToString() => $"{Amount} {Currency}";
}
