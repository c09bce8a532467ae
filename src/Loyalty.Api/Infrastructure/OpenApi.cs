using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Loyalty.Api.Infrastructure;

/// <summary>Declares on an endpoint a refusal it can answer, as <c>application/problem+json</c>.</summary>
public sealed class RefusesAttribute(int status) : ProducesResponseTypeAttribute(typeof(ProblemDetails), status, "application/problem+json");

public static class OpenApi
{
    private const string BearerScheme = "Bearer";
    private const string ApiKeyScheme = "ApiKey";

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
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer",
                    Description = "An API key (lk_…) or a JWT from the identity provider, for members and staff."
                },
                [ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key", Description = "An API key."
                }
            };
            document.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] }
            ];
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            foreach (var (status, response) in operation.Responses?.ToArray() ?? [])
                if (response.Content?.Values.Any(c => c.Schema is OpenApiSchemaReference { Reference.Id: nameof(IResult) }) == true)
                    operation.Responses!.Remove(status);
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any() || operation.Responses is null) return Task.CompletedTask;
            operation.Responses["401"] = new OpenApiResponse { Description = "No credentials, or not valid ones (application/problem+json)" };
            operation.Responses["403"] = new OpenApiResponse { Description = "The caller lacks the scope, role, store or member (application/problem+json)" };
            operation.Responses["429"] = new OpenApiResponse { Description = "Too many requests from this caller; see Retry-After (application/problem+json)" };
            return Task.CompletedTask;
        });
    }
}
