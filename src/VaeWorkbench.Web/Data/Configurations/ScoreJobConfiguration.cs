using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class ScoreJobConfiguration : IEntityTypeConfiguration<ScoreJob>
{
    public void Configure(EntityTypeBuilder<ScoreJob> job)
    {
        job.ToTable("ScoreJobs");
        job.HasKey(j => j.Id);
        job.Property(j => j.Method).HasMaxLength(16).IsRequired();
        job.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.ThresholdMode).HasMaxLength(16).IsRequired();
        job.Property(j => j.LeaseOwner).HasMaxLength(100);
        job.HasOne<Team>().WithMany().HasForeignKey(j => j.TeamId).OnDelete(DeleteBehavior.Cascade);
        job.HasOne<TrainedModel>().WithMany().HasForeignKey(j => j.ModelId).OnDelete(DeleteBehavior.Cascade);
        job.HasOne<Dataset>().WithMany().HasForeignKey(j => j.DatasetId).OnDelete(DeleteBehavior.Cascade);
        job.HasIndex(j => new { j.Status, j.CreatedAt });
        job.HasIndex(j => new { j.ModelId, j.CreatedAt });
        job.HasIndex(j => j.TeamId);
    }
}
