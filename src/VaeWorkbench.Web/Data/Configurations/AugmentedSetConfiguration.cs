using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class AugmentedSetConfiguration : IEntityTypeConfiguration<AugmentedSet>
{
    public void Configure(EntityTypeBuilder<AugmentedSet> set)
    {
        set.ToTable("AugmentedSets");
        set.HasKey(s => s.Id);
        set.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        set.Property(s => s.Mode).HasMaxLength(16);
        set.Property(s => s.ModelFileHash).HasMaxLength(64);
        set.Property(s => s.LeaseOwner).HasMaxLength(100);
        set.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
        set.HasOne<TrainedModel>().WithMany().HasForeignKey(s => s.ModelId).OnDelete(DeleteBehavior.Restrict);
        set.HasOne<Dataset>().WithMany().HasForeignKey(s => s.DatasetId).OnDelete(DeleteBehavior.Restrict);
        set.HasIndex(s => new { s.TeamId, s.CreatedAt });
        set.HasIndex(s => new { s.Status, s.CreatedAt });
        set.Property(x => x.Name).HasMaxLength(LabelRules.MaxNameLength);
        set.Property(x => x.TagsJson).HasMaxLength(4000);
        set.Property(x => x.Notes).HasMaxLength(LabelRules.MaxNotesLength);
    }
}
