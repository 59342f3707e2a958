using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class TrainedModelConfiguration : IEntityTypeConfiguration<TrainedModel>
{
    public void Configure(EntityTypeBuilder<TrainedModel> model)
    {
        model.ToTable("TrainedModels");
        model.HasKey(m => m.Id);
        model.Property(m => m.FileHash).HasMaxLength(64).IsRequired();
        model.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        model.HasOne<TrainingRun>().WithMany().HasForeignKey(m => m.RunId).OnDelete(DeleteBehavior.Cascade);
        // One model per run: a job delivered twice cannot produce two.
        model.HasIndex(m => m.RunId).IsUnique();
        model.HasIndex(m => m.TeamId);
    }
}
