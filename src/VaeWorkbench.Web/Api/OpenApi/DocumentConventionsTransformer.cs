using System.Text;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace VaeWorkbench.Web.Api.OpenApi;

/// <summary>
/// What generators and linters expect of any document: an <c>operationId</c> on every operation (client method names),
/// and server URLs without a trailing slash (a client would otherwise request <c>//api/...</c>).
/// </summary>
internal sealed class DocumentConventionsTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var server in document.Servers ?? [])
            if (server.Url is { Length: > 1 } url) server.Url = url.TrimEnd('/');
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        operation.OperationId ??= OperationId(description.HttpMethod ?? "GET", description.RelativePath ?? "");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Method and route, stable as long as the route is: <c>GET api/datasets/{id:guid}/images</c> is
    /// <c>getDatasetsByIdImages</c>. Names are not set by hand (WithName), so a new endpoint cannot forget one.
    /// </summary>
    internal static string OperationId(string method, string relativePath)
    {
        var id = new StringBuilder(method.ToLowerInvariant());
        var segments = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments.SkipWhile(s => s == "api"))
        {
            // A route value "{id:guid}" reads as "ById"; the rest of the segment ("{index:int}.png") is kept as words.
            var text = segment;
            if (text.StartsWith('{'))
            {
                var close = text.IndexOf('}', StringComparison.Ordinal);
                var name = text[1..close].Split(':')[0];
                id.Append("By");
                AppendWords(id, name);
                text = text[(close + 1)..];
            }
            AppendWords(id, text);
        }
        return id.ToString();
    }

    /// <summary>Appends the letters and digits of <paramref name="text"/> in PascalCase, splitting at any other character.</summary>
    private static void AppendWords(StringBuilder id, string text)
    {
        var startsWord = true;
        foreach (var c in text)
        {
            if (!char.IsLetterOrDigit(c))
            {
                startsWord = true;
                continue;
            }
            id.Append(startsWord ? char.ToUpperInvariant(c) : c);
            startsWord = false;
        }
    }
}
