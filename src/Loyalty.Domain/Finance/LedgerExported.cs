using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Finance;

/// <summary>Every event finance's own actions record.</summary>
public interface IFinanceEvent;

/// <summary>
/// Someone exported the ledger of the local days <see cref="From"/> to <see cref="To"/>: <see cref="Rows"/>
/// movements adding up to <see cref="Points"/>. Exports carry members' data out of the service, so each one is
/// audited.
/// </summary>
public sealed record LedgerExported(LocalDate From, LocalDate To, long Rows, long Points, Instant At, Actor By)
    : IFinanceEvent
{
    /// <summary>The one stream of the program's exports.</summary>
    public static readonly Guid StreamId = new("10000000-0000-0000-0000-000000000003");
}
