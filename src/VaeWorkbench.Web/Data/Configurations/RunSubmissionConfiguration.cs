using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class RunSubmissionConfiguration : IEntityTypeConfiguration<RunSubmission>
{
    public void Configure(EntityTypeBuilder<RunSubmission> submission)
    {
        submission.ToTable("RunSubmissions");
        // The primary key is the guarantee: two concurrent inserts of the same (user, key) cannot both commit.
        submission.HasKey(s => new { s.UserId, s.Key });
        submission.Property(s => s.Key).HasMaxLength(RunSubmissionKey.MaxLength);
        submission.HasOne<TrainingRun>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
