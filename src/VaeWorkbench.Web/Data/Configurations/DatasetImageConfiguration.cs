using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class DatasetImageConfiguration : IEntityTypeConfiguration<DatasetImage>
{
    public void Configure(EntityTypeBuilder<DatasetImage> image)
    {
        image.ToTable("DatasetImages");
        image.HasKey(i => i.Id);
        image.Property(i => i.OriginalName).HasMaxLength(400).IsRequired();
        image.Property(i => i.ContentHash).HasMaxLength(64).IsRequired();
        image.HasOne<Dataset>().WithMany().HasForeignKey(i => i.DatasetId).OnDelete(DeleteBehavior.Cascade);
        image.HasIndex(i => new { i.DatasetId, i.Index }).IsUnique();
        image.HasIndex(i => new { i.DatasetId, i.Label });
        image.HasIndex(i => i.ContentHash);
    }
}
