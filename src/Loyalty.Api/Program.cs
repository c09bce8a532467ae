using JasperFx;
using Loyalty.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddLoyalty();
var app = builder.Build();
app.UseLoyalty();
try
{
    return await app.RunJasperFxCommands(args);
}
finally
{
    await LoyaltyDatabase.StopEmbeddedAsync();
}

/// <summary>The service's entry point; public so tests can host it.</summary>
public partial class Program;
