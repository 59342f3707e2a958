using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace VaeWorkbench.Web.Data;

/// <summary>
/// How <c>dotnet ef migrations add</c> builds the context without starting the app:
/// <c>dotnet tool restore; dotnet ef migrations add Name --project src/VaeWorkbench.Web</c>.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
