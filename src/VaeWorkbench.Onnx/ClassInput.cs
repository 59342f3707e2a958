namespace VaeWorkbench.Onnx;

/// <summary>
/// The class input of a conditional model's graph: <c>class</c>, int64 (batch), one class index per image. It is made
/// into the one-hot rows the engine appends (<see cref="Engine.Layers.ConcatCondition"/>) by gathering rows of a K×K
/// identity, so a class outside [−K, K) is an error in the runtime, as in the engine (ONNX's Gather counts a negative
/// index from the end; README.txt says to pass 0..K−1).
/// </summary>
internal sealed class ClassInput(OnnxGraph graph, int classCount)
{
    public const string Name = "class";

    private string? _oneHot;

    public int ClassCount => classCount;

    /// <summary>Declares the input on the graph; call once, before the layers are translated, so it is the second input.</summary>
    public void Declare(string doc) => graph.Input(Name, doc, global::Onnx.TensorProto.Types.DataType.Int64);

    // class:(B) -> one-hot:(B,K)
    public string OneHot(int size)
    {
        if (size != classCount) throw new OnnxExportException($"a condition of {size} values does not match the model's {classCount} classes");
        if (_oneHot is not null) return _oneHot;
        var identity = new float[classCount * classCount];
        for (var k = 0; k < classCount; k++) identity[k * classCount + k] = 1f;
        _oneHot = graph.Node("Gather", [graph.Weight("class_one_hot_table", identity, classCount, classCount), Name], null, OnnxGraph.Int("axis", 0));
        return _oneHot;
    }
}
