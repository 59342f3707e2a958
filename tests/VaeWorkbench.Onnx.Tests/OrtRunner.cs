using Microsoft.ML.OnnxRuntime;

namespace VaeWorkbench.Onnx.Tests;

/// <summary>Runs an exported graph in ONNX Runtime on CPU: named float inputs in, every output out as a flat array.</summary>
internal sealed class OrtRunner : IDisposable
{
    private readonly InferenceSession _session;

    public OrtRunner(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(model, options);
    }

    public IReadOnlyDictionary<string, NodeMetadata> Inputs => _session.InputMetadata;
    public IReadOnlyDictionary<string, NodeMetadata> Outputs => _session.OutputMetadata;

    public Dictionary<string, float[]> Run(string input, float[] values, params long[] shape)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(values, shape);
        var names = _session.OutputNames.ToArray();
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [input], [tensor], names);
        var outputs = new Dictionary<string, float[]>();
        for (var i = 0; i < names.Length; i++) outputs[names[i]] = results[i].GetTensorDataAsSpan<float>().ToArray();
        return outputs;
    }

    public void Dispose() => _session.Dispose();
}

internal static class Difference
{
    public static float MaxAbs(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = MathF.Abs(expected[i] - actual[i]);
            if (float.IsNaN(d)) return float.NaN;
            max = MathF.Max(max, d);
        }
        return max;
    }
}
