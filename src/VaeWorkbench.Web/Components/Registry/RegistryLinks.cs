using VaeWorkbench.Web.Registry;

namespace VaeWorkbench.Web.Components.Registry;

/// <summary>Addresses of a registered version's downloads, for the versions grid and the version's card alike.</summary>
public static class RegistryLinks
{
    /// <summary>The .vae file (inference weights), or with <paramref name="onnx"/> the ZIP of encoder.onnx, decoder.onnx and README.txt.</summary>
    public static string Download(RegisteredModelDetails model, int version, bool onnx = false) =>
        $"api/registry/{Uri.EscapeDataString(model.Name)}/versions/{version}/download?teamId={model.TeamId}{(onnx ? "&format=onnx" : "")}";
}
