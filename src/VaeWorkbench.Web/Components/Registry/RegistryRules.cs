using VaeWorkbench.Web.Registry;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Registry;

/// <summary>
/// The registry's own rules (<see cref="RegistryNames"/>) as MudBlazor field validation, so a form says what is wrong
/// at the field, in the words the server would use, before anything is sent.
/// </summary>
public static class RegistryRules
{
    public static string? Name(string? value) => Check(() => RegistryNames.Name(value));

    public static string? Alias(string? value) => Check(() => RegistryNames.Alias(value));

    public static string? Tags(string? value) => Check(() => RegistryNames.Tags(SplitTags(value)));

    public static string? Description(string? value) => Check(() => RegistryNames.Description(value));

    public static List<string> SplitTags(string? value) =>
        [.. (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static string? Check(Func<object> rule)
    {
        try
        {
            rule();
            return null;
        }
        catch (RequestRejectedException e)
        {
            return e.Message;
        }
    }
}
