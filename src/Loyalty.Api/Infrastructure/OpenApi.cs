using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Loyalty.Api.Infrastructure;

/// <summary>Declares on an endpoint a refusal it can answer, as <c>application/problem+json</c>.</summary>
public sealed class RefusesAttribute(int status) : ProducesResponseTypeAttribute(typeof(ProblemDetails), status, "application/problem+json");

public static class OpenApi
{
    /// <summary>
    /// Endpoints return <see cref="IResult"/> so they can answer a replay or a refusal; their real answers are
    /// declared with attributes, and the framework's guess of "200: IResult" is dropped from the document.
    /// </summary>
    public static void Configure(Microsoft.AspNetCore.OpenApi.OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Loyalty API";
            document.Info.Description = "Points ledger, members and program settings. Every refusal is application/problem+json with `field` and `reason`.";
            document.Components?.Schemas?.Remove(nameof(IResult));
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, _, _) =>
        {
            foreach (var (status, response) in operation.Responses?.ToArray() ?? [])
                if (response.Content?.Values.Any(c => c.Schema is OpenApiSchemaReference { Reference.Id: nameof(IResult) }) == true)
                    operation.Responses!.Remove(status);
            return Task.CompletedTask;
        });
    }
}
