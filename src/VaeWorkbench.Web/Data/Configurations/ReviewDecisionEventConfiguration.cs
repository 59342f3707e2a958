using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class ReviewDecisionEventConfiguration : IEntityTypeConfiguration<ReviewDecisionEvent>
{
    public void Configure(EntityTypeBuilder<ReviewDecisionEvent> e)
    {
        e.ToTable("ReviewDecisionEvents");
        e.HasKey(x => x.Id);
        e.Property(x => x.Decision).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.PreviousDecision).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Note).HasMaxLength(ReviewDecisionConfiguration.MaxNoteLength);
        e.Property(x => x.PreviousNote).HasMaxLength(ReviewDecisionConfiguration.MaxNoteLength);
        e.Property(x => x.UserId).IsRequired();
        e.HasOne<ScoreJob>().WithMany().HasForeignKey(x => x.ScoreJobId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<DatasetImage>().WithMany().HasForeignKey(x => x.DatasetImageId).OnDelete(DeleteBehavior.Cascade);
        // Undo looks up a reviewer's latest decisions in one queue.
        e.HasIndex(x => new { x.ScoreJobId, x.UserId, x.UndoneAt, x.Id });
        e.HasIndex(x => x.DatasetImageId);
        e.HasIndex(x => x.BatchId);
    }
}
