namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (scripts, fixtures, tools installed in it).</summary>
internal static class Repository
{
    /// <summary>The folder holding VaeWorkbench.sln, found upwards from the test assembly.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeWorkbench.sln"))) return dir.FullName;
        throw new InvalidOperationException("VaeWorkbench.sln not found above " + AppContext.BaseDirectory);
    }
}
