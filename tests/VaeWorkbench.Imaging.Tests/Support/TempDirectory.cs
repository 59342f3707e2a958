namespace VaeWorkbench.Imaging.Tests.Support;

internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vae-test-{Guid.NewGuid():N}")).FullName;

    public string Write(string relative, byte[] data)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, data);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
