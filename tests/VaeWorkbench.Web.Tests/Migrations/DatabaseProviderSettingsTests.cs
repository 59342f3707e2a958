using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Migrations;

/// <summary>Database settings that cannot work stop the start-up with a message that names the setting.</summary>
public sealed class DatabaseProviderSettingsTests
{
    [Fact]
    public void Postgres_without_a_connection_string_is_refused_with_a_message_naming_the_setting()
    {
        using var factory = new WorkbenchFactory(new() { ["Database:Provider"] = "Postgres" });
        var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("ConnectionStrings:Postgres", Flatten(e));
    }

    [Fact]
    public void An_unknown_provider_is_refused_with_a_message_naming_the_setting()
    {
        using var factory = new WorkbenchFactory(new() { ["Database:Provider"] = "Oracle" });
        var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Database:Provider is 'Oracle'; it must be Sqlite or Postgres.", Flatten(e));
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}
