using JasperFx;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;

// The container's health check: a small HTTP probe, without starting the service.
if (args is ["health", .. var url])
    return await HealthProbe.RunAsync(url.FirstOrDefault());

var builder = WebApplication.CreateBuilder(args);
builder.AddLoyalty();
var app = builder.Build();
app.UseLoyalty();
try
{
    return args switch
    {
        ["rebuild", .. var projections] => await Maintenance.RebuildAsync(app.Services, projections),
        ["reconcile", .. var asOf] => await Loyalty.Api.Finance.ReconciliationEndpoint.RunAsync(app.Services, asOf),
        ["reward-referrals"] => await Messaging.RunAsync(
            app.Services,
            Loyalty.Api.Referrals.ReferralRewardJob.RunOnceAsync
        ),
        ["insight"] => await Messaging.RunAsync(app.Services, Loyalty.Api.Insight.InsightJob.RunOnceAsync),
        ["token", .. var claims] => DevelopmentTokens.Print(app.Configuration, claims),
        // Commands such as `codegen` or `describe` go to JasperFx; options alone (`--urls …`) just run the service.
        [var command, ..] when !command.StartsWith('-') => await app.RunJasperFxCommands(args),
        _ => await ServeAsync(app),
    };
}
catch (DatabaseUnavailable e)
{
    Console.Error.WriteLine($"Loyalty cannot start: {e.Message}");
    return 2;
}
catch (IOException e) when (e.Message.StartsWith("Failed to bind"))
{
    Console.Error.WriteLine(
        $"Loyalty cannot start: {e.Message} Stop what listens there, or choose another address "
            + "with --urls or ASPNETCORE_URLS."
    );
    return 2;
}
finally
{
    await LoyaltyDatabase.StopEmbeddedAsync();
}

static async Task<int> ServeAsync(WebApplication app)
{
    // The database first: if it cannot be had, say so once, before anything else starts.
    app.Services.GetRequiredService<LoyaltyDatabase>();
    await app.RunAsync();
    return 0;
}

/// <summary>The service's entry point; public so tests can host it.</summary>
public partial class Program;
