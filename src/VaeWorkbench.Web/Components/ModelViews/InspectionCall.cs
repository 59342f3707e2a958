using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.ModelViews;

/// <summary>Runs one inspection request and turns a refusal (bad input, no access) into a message for the view.</summary>
public static class InspectionCall
{
    public static async Task<(T? Value, string? Error)> TryAsync<T>(Func<Task<T>> call) where T : class
    {
        try
        {
            return (await call(), null);
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException or ArgumentException)
        {
            return (null, e.Message);
        }
    }
}
