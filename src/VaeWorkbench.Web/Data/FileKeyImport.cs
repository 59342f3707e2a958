using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace VaeWorkbench.Web.Data;

/// <summary>
/// Releases before the keys moved into the database kept them as XML files in the data folder's <c>keys</c>
/// folder. The first start on the database copies them in, so the cookies and tokens those keys protect (signed-in
/// users, antiforgery tokens in open pages) keep working across the upgrade. The files are left where they are.
/// </summary>
public static class FileKeyImport
{
    public static async Task<int> ImportAsync(AppDbContext db, string keysDirectory, CancellationToken ct = default)
    {
        if (!Directory.Exists(keysDirectory) || await db.DataProtectionKeys.AnyAsync(ct)) return 0;
        var files = Directory.GetFiles(keysDirectory, "*.xml").Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            // The file repository names each file after its key; the EF repository keeps that name as FriendlyName.
            var xml = XElement.Load(file);
            db.DataProtectionKeys.Add(new DataProtectionKey
            {
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = xml.ToString(SaveOptions.DisableFormatting),
            });
        }
        await db.SaveChangesAsync(ct);
        return files.Count;
    }
}
