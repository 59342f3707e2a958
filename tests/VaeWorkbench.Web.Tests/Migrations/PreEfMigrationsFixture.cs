namespace VaeWorkbench.Web.Tests.Migrations;

/// <summary>
/// tests/fixtures/pre-ef-migrations, copied beside the test binaries: a data folder written by the last release before
/// EF Core migrations (tests/fixtures/make-legacy-db.sh rebuilds it). Tests upgrade copies of it, never the original.
/// </summary>
public static class PreEfMigrationsFixture
{
    public static void CopyTo(string dataDirectory)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "fixtures", "pre-ef-migrations");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(dataDirectory, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }
}
