namespace VaeWorkbench.Web.Hosting;

/// <summary>
/// Runs one UI action in a fresh DI scope. A Blazor circuit lives for minutes or hours, so a DbContext scoped to it
/// would serve stale tracked rows and could be used by two overlapping event handlers; one scope per action avoids both.
/// </summary>
public sealed class ScopedRunner(IServiceScopeFactory scopes)
{
    public async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> action) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task RunAsync<TService>(Func<TService, Task> action) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
