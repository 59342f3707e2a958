using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class ImageScoreConfiguration : IEntityTypeConfiguration<ImageScore>
{
    public void Configure(EntityTypeBuilder<ImageScore> score)
    {
        score.ToTable("ImageScores");
        score.HasKey(s => s.Id);
        score.HasOne<ScoreJob>().WithMany().HasForeignKey(s => s.ScoreJobId).OnDelete(DeleteBehavior.Cascade);
        score.HasOne<DatasetImage>().WithMany().HasForeignKey(s => s.DatasetImageId).OnDelete(DeleteBehavior.Cascade);
        score.HasIndex(s => new { s.ScoreJobId, s.ImageIndex }).IsUnique();
        score.HasIndex(s => new { s.ScoreJobId, s.DatasetImageId }).IsUnique();
        score.HasIndex(s => s.DatasetImageId);
    }
}
