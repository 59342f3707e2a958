using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class ReviewQueueItemConfiguration : IEntityTypeConfiguration<ReviewQueueItem>
{
    public const int MaxReasonLength = 200;

    public void Configure(EntityTypeBuilder<ReviewQueueItem> item)
    {
        item.ToTable("ReviewQueueItems");
        item.HasKey(q => q.Id);
        item.Property(q => q.Reason).HasMaxLength(MaxReasonLength);
        item.Property(q => q.QueuedByUserId).IsRequired();
        item.HasOne<ScoreJob>().WithMany().HasForeignKey(q => q.ScoreJobId).OnDelete(DeleteBehavior.Cascade);
        item.HasOne<DatasetImage>().WithMany().HasForeignKey(q => q.DatasetImageId).OnDelete(DeleteBehavior.Cascade);
        item.HasIndex(q => new { q.ScoreJobId, q.DatasetImageId }).IsUnique();
        item.HasIndex(q => q.DatasetImageId);
    }
}
