namespace VaeWorkbench.Web.Cluster;

public static class JobEventsExtensions
{
    /// <summary>
    /// Progress delivery: LISTEN/NOTIFY when <c>Database:Provider</c> is <c>Postgres</c> (nodes share that database),
    /// direct calls otherwise.
    /// </summary>
    public static IHostApplicationBuilder AddVaeJobEvents(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ClusterEventOptions.SectionName).Get<ClusterEventOptions>() ?? new ClusterEventOptions();
        if (options.ReconnectInitialMilliseconds < 1 || options.ReconnectMaxMilliseconds < options.ReconnectInitialMilliseconds)
            throw new InvalidOperationException("Cluster:Events:ReconnectMaxMilliseconds must be at least Cluster:Events:ReconnectInitialMilliseconds, which must be at least 1");
        if (options.ProbeSeconds < 1) throw new InvalidOperationException("Cluster:Events:ProbeSeconds must be at least 1");
        if (options.OutboxCapacity < 1) throw new InvalidOperationException("Cluster:Events:OutboxCapacity must be at least 1");
        builder.Services.AddSingleton<RunPreviewStore>();
        if (!string.Equals(builder.Configuration["Database:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton<IJobEventTransport, InProcessJobEventTransport>();
            return builder;
        }
        var connection = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connection))
            throw new InvalidOperationException("ConnectionStrings:Postgres must be set when Database:Provider is Postgres");
        builder.Services.AddSingleton(services => new PostgresJobEventTransport(connection, options,
            services.GetRequiredService<ILogger<PostgresJobEventTransport>>()));
        builder.Services.AddSingleton<IJobEventTransport>(services => services.GetRequiredService<PostgresJobEventTransport>());
        builder.Services.AddHostedService(services => services.GetRequiredService<PostgresJobEventTransport>());
        return builder;
    }
}
