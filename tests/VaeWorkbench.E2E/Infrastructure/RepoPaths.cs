namespace VaeWorkbench.E2E.Infrastructure;

public static class RepoPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries holding VaeWorkbench.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The web app's build output for the same configuration as these tests (Debug or Release).</summary>
    public static string WebOutputDirectory
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            // Same target framework as these tests: the last folder of their own output path (bin/Debug/net10.0/).
            var framework = Path.GetFileName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            return Path.Combine(Root, "src", "VaeWorkbench.Web", "bin", configuration, framework);
        }
    }

    /// <summary>Where tests leave screenshots for people to look at: beside the test binaries.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeWorkbench.sln"))) return dir.FullName;
        throw new InvalidOperationException("VaeWorkbench.sln not found above " + AppContext.BaseDirectory);
    }
}
