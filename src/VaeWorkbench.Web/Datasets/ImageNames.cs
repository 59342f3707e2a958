using System.Globalization;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// The one way text names an image: its stable ID, which is its position in its dataset counted from 0 (the number in
/// its address, <c>api/datasets/{id}/images/{index}.png</c>, and in the API), written "#2861", with the uploaded file's
/// name where it is known. Never a count from 1: the audit log once said "Image 2862" for image #2861.
/// </summary>
public static class ImageNames
{
    /// <summary>"#2861": no thousands separator, so the ID reads the same as in addresses and the API.</summary>
    public static string Id(int index) => "#" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>"#2861 (shirt_0042.png)", or "#2861" without a file name.</summary>
    public static string Of(int index, string? fileName = null) =>
        string.IsNullOrWhiteSpace(fileName) ? Id(index) : $"{Id(index)} ({fileName})";

    /// <summary>"Image #2861 (shirt_0042.png)", to start a sentence, a title or an image's alternative text.</summary>
    public static string Image(int index, string? fileName = null) => "Image " + Of(index, fileName);

    /// <summary>"Sample #12": a generated image of an augmented set, which has no file name.</summary>
    public static string Sample(int index) => "Sample " + Id(index);

    /// <summary>"#12 (shoe.png)" for a chosen image; a long ZIP entry path is cut from the front, since its end names the file.</summary>
    public static string Short(DatasetImageItem image) =>
        Of(image.Index, image.OriginalName.Length <= 60 ? image.OriginalName : "…" + image.OriginalName[^59..]);

    /// <summary>The accessible name of a thumbnail: number, file name and class.</summary>
    public static string Describe(DatasetImageItem image) =>
        $"{Short(image)}{(image.ClassName is { } c ? $", class {c}" : "")}";

    public static string Url(Guid datasetId, int index) => $"api/datasets/{datasetId}/images/{index}.png";
}
