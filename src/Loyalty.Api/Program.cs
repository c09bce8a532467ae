using JasperFx;
using Loyalty.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddLoyalty();
var app = builder.Build();
app.UseLoyalty();
try
{
    if (args is ["rebuild-balances"]) return await Maintenance.RebuildBalancesAsync(app.Services);
    // Commands such as `codegen` or `describe` go to JasperFx; a plain start just runs the service.
    if (args.Length > 0) return await app.RunJasperFxCommands(args);
    await app.RunAsync();
    return 0;
}
finally
{
    await LoyaltyDatabase.StopEmbeddedAsync();
}

/// <summary>The service's entry point; public so tests can host it.</summary>
public partial class Program;
