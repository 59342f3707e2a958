using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class ReviewDecisionConfiguration : IEntityTypeConfiguration<ReviewDecision>
{
    public const int MaxNoteLength = 2000;

    public void Configure(EntityTypeBuilder<ReviewDecision> decision)
    {
        decision.ToTable("ReviewDecisions");
        decision.HasKey(d => d.Id);
        decision.Property(d => d.Decision).HasConversion<string>().HasMaxLength(16);
        decision.Property(d => d.Note).HasMaxLength(MaxNoteLength);
        decision.Property(d => d.ReviewerUserId).IsRequired();
        decision.HasOne<ScoreJob>().WithMany().HasForeignKey(d => d.ScoreJobId).OnDelete(DeleteBehavior.Cascade);
        decision.HasOne<DatasetImage>().WithMany().HasForeignKey(d => d.DatasetImageId).OnDelete(DeleteBehavior.Cascade);
        decision.HasIndex(d => new { d.ScoreJobId, d.DatasetImageId }).IsUnique();
        decision.HasIndex(d => d.DatasetImageId);
        decision.HasIndex(d => d.ReviewerUserId);
    }
}
