using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class ModelAliasConfiguration : IEntityTypeConfiguration<ModelAlias>
{
    public void Configure(EntityTypeBuilder<ModelAlias> alias)
    {
        alias.ToTable("ModelAliases");
        // The key makes "one version per alias per model" a database rule.
        alias.HasKey(a => new { a.RegisteredModelId, a.Alias });
        alias.Property(a => a.Alias).HasMaxLength(40);
        alias.HasOne<RegisteredModel>().WithMany().HasForeignKey(a => a.RegisteredModelId).OnDelete(DeleteBehavior.Cascade);
        alias.HasOne<ModelVersion>().WithMany().HasForeignKey(a => a.VersionId).OnDelete(DeleteBehavior.Cascade);
        alias.HasIndex(a => a.VersionId);
    }
}
