using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class ImageTagConfiguration : IEntityTypeConfiguration<ImageTag>
{
    public const int MaxTagLength = 64;

    public void Configure(EntityTypeBuilder<ImageTag> tag)
    {
        tag.ToTable("ImageTags");
        tag.HasKey(t => t.Id);
        tag.Property(t => t.Tag).HasMaxLength(MaxTagLength);
        tag.Property(t => t.TaggedByUserId).IsRequired();
        tag.HasOne<Dataset>().WithMany().HasForeignKey(t => t.DatasetId).OnDelete(DeleteBehavior.Cascade);
        tag.HasOne<DatasetImage>().WithMany().HasForeignKey(t => t.DatasetImageId).OnDelete(DeleteBehavior.Cascade);
        tag.HasIndex(t => new { t.DatasetImageId, t.Tag }).IsUnique();
        tag.HasIndex(t => new { t.DatasetId, t.Tag });
    }
}
