using Microsoft.AspNetCore.Identity;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Identity;

/// <summary>
/// Caps a password's length. Hashing runs PBKDF2 over every character, so a 10 MB password costs the server real time;
/// 256 characters leaves room for any passphrase or password manager.
/// </summary>
internal sealed class PasswordLengthValidator : IPasswordValidator<AppUser>
{
    public const int MaxLength = 256;

    public static bool TooLong(string? password) => password?.Length > MaxLength;

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password) =>
        Task.FromResult(TooLong(password)
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordTooLong", Description = $"A password is at most {MaxLength} characters." })
            : IdentityResult.Success);
}
