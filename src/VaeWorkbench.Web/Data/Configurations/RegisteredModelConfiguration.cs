using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class RegisteredModelConfiguration : IEntityTypeConfiguration<RegisteredModel>
{
    public void Configure(EntityTypeBuilder<RegisteredModel> model)
    {
        model.ToTable("RegisteredModels");
        model.HasKey(m => m.Id);
        model.Property(m => m.Name).HasMaxLength(100).IsRequired();
        model.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        model.HasIndex(m => new { m.TeamId, m.Name }).IsUnique();
        model.Property(m => m.TagsJson).HasMaxLength(4000);
        model.Property(m => m.Notes).HasMaxLength(VaeWorkbench.Web.Labels.LabelRules.MaxNotesLength);
    }
}
