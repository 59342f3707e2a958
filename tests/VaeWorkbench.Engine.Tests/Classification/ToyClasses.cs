using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Engine.Tests.Classification;

/// <summary>
/// Seeded 1×8×8 images of one bright horizontal bar on faint noise. Class c (0..3) puts its bar on row c or on row
/// 7 − c, at random: each class has two far-apart modes, so the middle of a class's latent codes lies near another
/// class's bars (rows 3 and 4 belong to class 3), which is what separates class-mean generation from a conditional model.
/// </summary>
internal static class ToyClasses
{
    public const int Classes = 4;
    public const int Size = 8;

    public static ImageDataset Bars(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[count * Size * Size];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % Classes;
            labels[i] = label;
            var row = rng.NextFloat() < 0.5f ? label : Size - 1 - label;
            var image = pixels.AsSpan(i * Size * Size, Size * Size);
            for (var p = 0; p < image.Length; p++) image[p] = 0.1f * rng.NextFloat();
            for (var x = 0; x < Size; x++) image[row * Size + x] = 0.9f + 0.1f * rng.NextFloat();
        }
        return new ImageDataset(pixels, count, 1, Size, Size, labels);
    }
}
