using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace VaeWorkbench.Web.Api.OpenApi;

/// <summary>
/// Makes an object schema's <c>required</c> list say what the server needs and always sends. By default every
/// constructor parameter of a record is listed, nullable or not, while C# <c>required</c> members of a property-style
/// record are not. The rule here:
/// a C# <c>required</c> member is required; a constructor parameter is required unless it is nullable or has a default;
/// a settable property without <c>required</c> has an initializer, so may be omitted; a get-only computed property is
/// always sent, so it is required unless nullable.
/// </summary>
internal sealed class RequiredPropertiesTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo;
        // Also called for an object schema reached through a property (context.JsonPropertyInfo is then that property):
        // JsonTypeInfo is still the object's own type.
        if (type.Kind != JsonTypeInfoKind.Object || schema.Properties is not { Count: > 0 })
            return Task.CompletedTask;

        var required = type.Properties.Where(IsRequired).Select(p => p.Name).Where(schema.Properties.ContainsKey).ToHashSet();
        schema.Required = required.Count > 0 ? required : null;
        return Task.CompletedTask;
    }

    private static bool IsRequired(JsonPropertyInfo property)
    {
        if (property.IsRequired) return true;
        if (property.AssociatedParameter is { } parameter)
            return !parameter.HasDefaultValue && !parameter.IsNullable && !IsNullableValue(parameter.ParameterType);
        return property.Set is null && property.Get is not null && !property.IsGetNullable && !IsNullableValue(property.PropertyType);
    }

    private static bool IsNullableValue(Type type) => Nullable.GetUnderlyingType(type) is not null;
}
