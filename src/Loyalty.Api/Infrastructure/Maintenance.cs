using System.Diagnostics;
using Loyalty.Projections.Balances;
using Marten;

namespace Loyalty.Api.Infrastructure;

/// <summary>Offline work an operator starts from the command line, with the service stopped.</summary>
public static class Maintenance
{
    /// <summary><c>dotnet run --project src/Loyalty.Api -- rebuild-balances</c></summary>
    public static async Task<int> RebuildAsync(IServiceProvider services, string[] names)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var watch = Stopwatch.StartNew();
        var events = await BalanceRebuild.RunAsync(store, read => Console.WriteLine($"  {read:N0} events folded ({watch.Elapsed.TotalSeconds:0.0} s)"));
        Console.WriteLine($"Member balances rebuilt from {events:N0} events in {watch.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }
}
