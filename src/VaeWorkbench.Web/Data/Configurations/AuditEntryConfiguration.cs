using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.ToTable("AuditEntries");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Action).HasMaxLength(50).IsRequired();
        entry.Property(e => e.ObjectType).HasMaxLength(50).IsRequired();
        entry.Property(e => e.ObjectId).HasMaxLength(100).IsRequired();
        // No foreign key to users: the log keeps the id of someone who later deleted their account.
        entry.HasOne<Team>().WithMany().HasForeignKey(e => e.TeamId).OnDelete(DeleteBehavior.Cascade);
        entry.HasIndex(e => new { e.TeamId, e.Id });
    }
}
