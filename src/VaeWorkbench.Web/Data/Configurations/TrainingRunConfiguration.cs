using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class TrainingRunConfiguration : IEntityTypeConfiguration<TrainingRun>
{
    public void Configure(EntityTypeBuilder<TrainingRun> run)
    {
        run.ToTable("TrainingRuns");
        run.HasKey(r => r.Id);
        run.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        run.Property(r => r.LeaseOwner).HasMaxLength(100);
        run.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
        run.HasOne(r => r.Dataset).WithMany().HasForeignKey(r => r.DatasetId).OnDelete(DeleteBehavior.Restrict);
        run.HasIndex(r => new { r.Status, r.QueueOrder });
        run.HasIndex(r => new { r.TeamId, r.CreatedAt });
        run.Property(x => x.Name).HasMaxLength(LabelRules.MaxNameLength);
        run.Property(x => x.TagsJson).HasMaxLength(4000);
        run.Property(x => x.Notes).HasMaxLength(LabelRules.MaxNotesLength);
        run.Property(x => x.FinalReconstructionHash).HasMaxLength(64);
    }
}
