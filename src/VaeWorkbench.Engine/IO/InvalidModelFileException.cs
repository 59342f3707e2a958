namespace VaeWorkbench.Engine.IO;

/// <summary>A model file that is truncated, corrupt, or not a VaeWorkbench model. The message says what is wrong and where.</summary>
public sealed class InvalidModelFileException(string message, Exception? inner = null) : IOException(message, inner);
