using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data.Configurations;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> token)
    {
        token.ToTable("ApiTokens");
        token.HasKey(t => t.Id);
        token.Property(t => t.Name).HasMaxLength(100).IsRequired();
        token.Property(t => t.Prefix).HasMaxLength(16).IsRequired();
        token.Property(t => t.TokenHash).HasMaxLength(64).IsRequired();
        token.HasIndex(t => t.TokenHash).IsUnique();
        token.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
