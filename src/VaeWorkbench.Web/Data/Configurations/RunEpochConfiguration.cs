using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class RunEpochConfiguration : IEntityTypeConfiguration<RunEpoch>
{
    public void Configure(EntityTypeBuilder<RunEpoch> epoch)
    {
        epoch.ToTable("RunEpochs");
        epoch.HasKey(e => new { e.RunId, e.Epoch });
        epoch.HasOne<TrainingRun>().WithMany(r => r.History).HasForeignKey(e => e.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
