using Microsoft.ML.OnnxRuntime;

namespace VaeWorkbench.Onnx.Tests;

/// <summary>Runs an exported graph in ONNX Runtime on CPU: named inputs in, every output out as a flat float array.</summary>
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

    public static (string Name, Func<OrtValue> Value) Floats(string name, float[] values, params long[] shape) =>
        (name, () => OrtValue.CreateTensorValueFromMemory(values, shape));

    public static (string Name, Func<OrtValue> Value) Int64s(string name, long[] values) =>
        (name, () => OrtValue.CreateTensorValueFromMemory(values, [values.Length]));

    public Dictionary<string, float[]> Run(string input, float[] values, params long[] shape) => Run(Floats(input, values, shape));

    public Dictionary<string, float[]> Run(params (string Name, Func<OrtValue> Value)[] inputs)
    {
        var tensors = inputs.Select(i => i.Value()).ToArray();
        try
        {
            var names = _session.OutputNames.ToArray();
            using var runOptions = new RunOptions();
            using var results = _session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), tensors, names);
            var outputs = new Dictionary<string, float[]>();
            for (var i = 0; i < names.Length; i++) outputs[names[i]] = results[i].GetTensorDataAsSpan<float>().ToArray();
            return outputs;
        }
        finally
        {
            foreach (var tensor in tensors) tensor.Dispose();
        }
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
