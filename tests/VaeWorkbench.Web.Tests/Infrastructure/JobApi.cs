using System.Net.Http.Json;
using System.Text.Json;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>Starting a job over the API and waiting for it to end, for any job kind (runs, score jobs, augmented sets).</summary>
public static class JobApi
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    /// <summary>The id a successful create response carries in <paramref name="property"/>; fails with the body otherwise.</summary>
    public static async Task<Guid> CreatedIdAsync(HttpResponseMessage response, string property)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty(property).GetGuid();
    }

    public static Task<JsonElement> WaitForEndAsync(ApiUser user, string url) =>
        Eventually.WaitForAsync(() => user.GetJsonAsync(url),
            j => j.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", Timeout, $"{url} to end");
}
