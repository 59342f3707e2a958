using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersion>
{
    public void Configure(EntityTypeBuilder<ModelVersion> version)
    {
        version.ToTable("ModelVersions");
        version.HasKey(v => v.Id);
        version.Property(v => v.FileHash).HasMaxLength(64).IsRequired();
        version.Property(v => v.SampleGridHash).HasMaxLength(64).IsRequired();
        version.Property(v => v.ReconstructionGridHash).HasMaxLength(64);
        version.HasOne<RegisteredModel>().WithMany().HasForeignKey(v => v.RegisteredModelId).OnDelete(DeleteBehavior.Cascade);
        // The version keeps its own copy of the file hash, config and metrics, so it outlives the run that made it.
        version.HasOne<TrainedModel>().WithMany().HasForeignKey(v => v.SourceModelId).OnDelete(DeleteBehavior.SetNull);
        version.HasIndex(v => new { v.RegisteredModelId, v.Version }).IsUnique();
    }
}
