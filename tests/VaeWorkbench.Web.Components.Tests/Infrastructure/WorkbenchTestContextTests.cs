namespace VaeWorkbench.Web.Components.Tests.Infrastructure;

/// <summary>The context's own promises, which every component test relies on.</summary>
public sealed class WorkbenchTestContextTests
{
    [Fact]
    public async Task Ending_a_test_as_xunit_does_disposes_async_only_services_and_deletes_the_data_directory()
    {
        var context = new WorkbenchTestContext();
        context.Services.AddScoped<AsyncOnlyDisposable>();
        IAsyncLifetime lifetime = context;
        await lifetime.InitializeAsync();
        var service = context.Services.GetRequiredService<AsyncOnlyDisposable>();
        Assert.True(File.Exists(Path.Combine(context.DataDirectory, "vaeworkbench.db")));

        // xUnit 2 calls IAsyncLifetime.DisposeAsync, then Dispose; a synchronous disposal of such a service would throw.
        await lifetime.DisposeAsync();
        context.Dispose();

        Assert.True(service.Disposed);
        Assert.False(Directory.Exists(context.DataDirectory));
    }

    /// <summary>Like MudBlazor's services (MudBlazor issue 12403): disposable only asynchronously.</summary>
    private sealed class AsyncOnlyDisposable : IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
