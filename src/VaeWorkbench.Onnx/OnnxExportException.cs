namespace VaeWorkbench.Onnx;

/// <summary>
/// The model holds something ONNX export cannot represent faithfully (an option, a layer); the message names it.
/// Export refuses rather than write a graph that computes something else.
/// </summary>
public sealed class OnnxExportException(string message) : NotSupportedException(message);
