using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace VaeWorkbench.Web.Api.OpenApi;

/// <summary>
/// Declares the personal access token as an HTTP bearer scheme and requires it on every operation that needs a
/// signed-in caller. The login cookie is not declared: it is for the pages, and cookie requests also need the
/// antiforgery header, which a generated client would not send.
/// </summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemeId = "bearer";

    private static readonly OpenApiSecurityScheme Scheme = new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        BearerFormat = "vwb_ personal access token",
        Description = "A personal access token, `vwb_` followed by random characters, sent as `Authorization: Bearer vwb_...`. " +
            "Create one with POST /api/auth/token (e-mail and password) or on the Profile page; it is shown once, " +
            "stored only as a hash, and refused (401) once revoked.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        AddScheme(document);
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Document is not { } document) return Task.CompletedTask;
        operation.Security ??= [];
        if (context.Description.RequiresAuthorization())
        {
            // The scheme must be in the document before a requirement refers to it, or the requirement is not written.
            AddScheme(document);
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, document)] = [] });
        }
        else
        {
            // An empty requirement ({}) says in so many words that no credentials are needed, rather than leaving it unsaid.
            operation.Security.Add(new OpenApiSecurityRequirement());
        }
        return Task.CompletedTask;
    }

    private static void AddScheme(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(SchemeId, Scheme);
    }
}
