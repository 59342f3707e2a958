using VaeWorkbench.Web.Datasets;

namespace VaeWorkbench.Web.Components.Shared;

/// <summary>
/// How a dataset image is named on screen, everywhere it is chosen: its file name and its image number (the same number
/// the dataset page, the image URLs and the API use; numbering starts at 0).
/// </summary>
public static class ImageNames
{
    public static string Url(Guid datasetId, int index) => $"api/datasets/{datasetId}/images/{index}.png";

    /// <summary>"shoe.png (#12)": file name first, the number to tell apart files of the same name.</summary>
    public static string Short(DatasetImageItem image) => $"{FileName(image.OriginalName)} (#{image.Index})";

    /// <summary>The accessible name of a thumbnail: file name, number and class.</summary>
    public static string Describe(DatasetImageItem image) =>
        $"{Short(image)}{(image.ClassName is { } c ? $", class {c}" : "")}";

    /// <summary>A long ZIP entry path is cut from the front: its end names the file.</summary>
    private static string FileName(string original) => original.Length <= 60 ? original : "…" + original[^59..];
}
