using System.Security.Cryptography;
using System.Text;

namespace VaeWorkbench.Web.Teams;

/// <summary>Random secrets shown once and stored only as SHA-256 hashes (invite codes and API tokens).</summary>
public static class SecretCodes
{
    public static string NewSecret(string prefix, int bytes = 24) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret.Trim())));
}
