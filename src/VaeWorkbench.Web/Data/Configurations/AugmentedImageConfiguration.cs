using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class AugmentedImageConfiguration : IEntityTypeConfiguration<AugmentedImage>
{
    public void Configure(EntityTypeBuilder<AugmentedImage> image)
    {
        image.ToTable("AugmentedImages");
        image.HasKey(i => i.Id);
        image.Property(i => i.ContentHash).HasMaxLength(64).IsRequired();
        image.HasOne<AugmentedSet>().WithMany().HasForeignKey(i => i.SetId).OnDelete(DeleteBehavior.Cascade);
        image.HasIndex(i => new { i.SetId, i.Index }).IsUnique();
        image.HasIndex(i => i.ContentHash);
    }
}
