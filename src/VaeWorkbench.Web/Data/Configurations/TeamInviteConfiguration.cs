using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class TeamInviteConfiguration : IEntityTypeConfiguration<TeamInvite>
{
    public void Configure(EntityTypeBuilder<TeamInvite> invite)
    {
        invite.ToTable("TeamInvites");
        invite.HasKey(i => i.Id);
        invite.Property(i => i.Role).HasConversion<string>().HasMaxLength(16);
        invite.Property(i => i.CodeHash).HasMaxLength(64).IsRequired();
        invite.HasIndex(i => i.CodeHash).IsUnique();
        invite.HasIndex(i => new { i.TeamId, i.CreatedAt });
        invite.HasOne(i => i.Team).WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}
