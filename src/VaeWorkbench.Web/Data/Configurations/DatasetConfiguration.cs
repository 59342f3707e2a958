using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> dataset)
    {
        dataset.ToTable("Datasets");
        dataset.HasKey(d => d.Id);
        dataset.Property(d => d.Name).HasMaxLength(200).IsRequired();
        dataset.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        dataset.Property(d => d.TensorHash).HasMaxLength(64);
        dataset.Property(d => d.LeaseOwner).HasMaxLength(100);
        dataset.Property(d => d.ImportFailure).HasConversion<string>().HasMaxLength(16);
        // The import queue claims by status in creation order.
        dataset.HasIndex(d => new { d.Status, d.CreatedAt });
        dataset.HasOne<Team>().WithMany().HasForeignKey(d => d.TeamId).OnDelete(DeleteBehavior.Cascade);
        dataset.HasIndex(d => new { d.TeamId, d.CreatedAt });
    }
}
