using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

/// <summary>Identity maps the user (AspNetUsers); this adds what the workbench asks beyond Identity's defaults.</summary>
internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> user)
    {
        // Identity requires unique e-mails (RequireUniqueEmail); the database enforces it too, so two registrations
        // racing with one address cannot both succeed.
        user.HasIndex(u => u.NormalizedEmail).IsUnique();
        // Stored by name, so the column reads well and a reordered enum cannot change anyone's theme.
        user.Property(u => u.ThemeChoice).HasConversion<string>().HasMaxLength(16);
    }
}
