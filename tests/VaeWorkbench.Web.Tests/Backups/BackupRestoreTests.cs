using VaeWorkbench.Web.Backups;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Backups;

/// <summary>Restores that prove themselves: a good backup comes back whole; a damaged one, or a used target, is refused with nothing written.</summary>
public sealed class BackupRestoreTests(BackupFixture fixture) : IClassFixture<BackupFixture>
{
    [Fact]
    public async Task A_restored_backup_holds_the_manifests_row_counts_and_every_file_byte_for_byte()
    {
        var target = fixture.NewFolder();
        var result = await fixture.RestoreAsync(fixture.Backup, target);

        var manifest = BackupManifest.Read(fixture.Backup);
        var restored = BackupFixture.CountRows(Path.Combine(target, "vaeworkbench.db"));
        Assert.Equal(manifest.RowCounts.OrderBy(c => c.Key), restored.OrderBy(c => c.Key));
        foreach (var table in new[] { "AspNetUsers", "ApiTokens", "Teams", "Datasets", "DatasetImages", "TrainingRuns", "TrainedModels", "AuditEntries" })
            Assert.True(restored[table] > 0, $"the restored {table} table is empty");
        Assert.True(result.Check.Ok);
        Assert.Equal(manifest.Files.Count(f => f.Path.StartsWith("blobs/", StringComparison.Ordinal)), result.Check.BlobsVerified);
        foreach (var file in manifest.Files.Where(f => f.Path != manifest.DatabaseFile))
            Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.Backup, file.Path)), File.ReadAllBytes(Path.Combine(target, file.Path)));
        // The signing keys come back with the database, so cookies issued before the backup still work.
        Assert.True(restored["DataProtectionKeys"] > 0, "the restored database has no Data Protection keys");
    }

    [Fact]
    public async Task The_manifest_lists_every_file_with_its_size_and_checksum_and_the_copy_with_its_schema()
    {
        var manifest = BackupManifest.Read(fixture.Backup);
        Assert.Equal(BackupWriter.AppVersion, manifest.AppVersion);
        await using (var db = fixture.Factory.Services.CreateScope().ServiceProvider.GetRequiredService<Data.AppDbContext>())
            Assert.Equal((await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetAppliedMigrationsAsync(db.Database)).Last(), manifest.SchemaMigration);
        var onDisk = Directory.EnumerateFiles(fixture.Backup, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(fixture.Backup, f).Replace('\\', '/')).Where(p => p != BackupManifest.FileName).Order().ToList();
        Assert.Equal(onDisk, manifest.Files.Select(f => f.Path).Order().ToList());
        foreach (var file in manifest.Files)
            Assert.Equal((file.Size, file.Sha256), BackupManifest.HashFile(Path.Combine(fixture.Backup, file.Path)));
    }

    public enum Damage { FlippedByteInABlob, MissingBlob, TruncatedDatabase }

    [Theory]
    [InlineData(Damage.FlippedByteInABlob)]
    [InlineData(Damage.MissingBlob)]
    [InlineData(Damage.TruncatedDatabase)]
    public async Task A_damaged_backup_is_refused_naming_the_file_and_nothing_is_written(Damage damage)
    {
        var backup = fixture.CopyOfBackup();
        var manifest = BackupManifest.Read(backup);
        var blob = manifest.Files.Where(f => f.Path.StartsWith("blobs/", StringComparison.Ordinal)).OrderBy(f => f.Size).First().Path;
        var damaged = damage == Damage.TruncatedDatabase ? manifest.DatabaseFile : blob;
        var path = Path.Combine(backup, damaged);
        switch (damage)
        {
            case Damage.FlippedByteInABlob:
                var bytes = File.ReadAllBytes(path);
                bytes[bytes.Length / 2] ^= 0x01;
                File.WriteAllBytes(path, bytes);
                break;
            case Damage.MissingBlob:
                File.Delete(path);
                break;
            case Damage.TruncatedDatabase:
                using (var file = new FileStream(path, FileMode.Open)) file.SetLength(file.Length / 2);
                break;
        }
        var target = fixture.NewFolder();

        var refusal = await Assert.ThrowsAsync<BackupException>(() => fixture.RestoreAsync(backup, target));

        Assert.Contains(damaged + ":", refusal.Message);
        Assert.Contains(damage switch { Damage.MissingBlob => "missing", Damage.TruncatedDatabase => "truncated", _ => "SHA-256 differs" }, refusal.Message);
        Assert.False(Directory.Exists(target), "the refused restore created the target folder");
        var parent = Path.GetDirectoryName(target)!;
        Assert.True(!Directory.Exists(parent) || !Directory.EnumerateFileSystemEntries(parent).Any(), "the refused restore left a folder beside the target");
    }

    [Fact]
    public async Task A_manifest_naming_a_path_outside_the_backup_is_refused()
    {
        var backup = fixture.CopyOfBackup();
        var manifest = BackupManifest.Read(backup);
        var hostile = manifest with { Files = [.. manifest.Files, new BackupFile("../../escaped.txt", 1, new string('0', 64))] };
        hostile.Write(Path.Combine(backup, BackupManifest.FileName));
        var target = fixture.NewFolder();

        var refusal = await Assert.ThrowsAsync<BackupException>(() => fixture.RestoreAsync(backup, target));

        Assert.Contains("../../escaped.txt: not a path a backup holds", refusal.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task A_restore_into_a_folder_that_holds_files_is_refused_naming_them()
    {
        var target = fixture.NewFolder();
        Directory.CreateDirectory(Path.Combine(target, "keys"));
        File.WriteAllText(Path.Combine(target, "notes.txt"), "mine");

        var refusal = await Assert.ThrowsAsync<BackupException>(() => fixture.RestoreAsync(fixture.Backup, target));

        Assert.Contains("is not empty", refusal.Message);
        Assert.Contains("notes.txt", refusal.Message);
        Assert.Equal(["keys", "notes.txt"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).Order());
        Assert.Equal("mine", File.ReadAllText(Path.Combine(target, "notes.txt")));
        Assert.Single(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public async Task A_restore_into_an_empty_existing_folder_succeeds()
    {
        var target = fixture.NewFolder();
        Directory.CreateDirectory(Path.Combine(target, "keys"));

        var result = await fixture.RestoreAsync(fixture.Backup, target);

        Assert.True(result.Check.Ok);
        Assert.True(File.Exists(Path.Combine(target, "vaeworkbench.db")));
    }

    [Fact]
    public async Task A_backup_into_an_existing_folder_is_refused_and_leaves_no_partial_folder()
    {
        var existing = fixture.NewFolder();
        Directory.CreateDirectory(existing);
        var backups = fixture.Factory.Services.GetRequiredService<BackupService>();

        var refusal = await Assert.ThrowsAsync<BackupException>(() => backups.BackUpAsync(existing, BackupService.CommandTrigger));

        Assert.Contains("already exists", refusal.Message);
        Assert.Single(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(existing)!));
        Assert.Equal(new { Succeeded = false, Error = (string?)refusal.Message },
            backups.Status().LastAttempt is { } last ? new { last.Succeeded, last.Error } : null);
    }
}
