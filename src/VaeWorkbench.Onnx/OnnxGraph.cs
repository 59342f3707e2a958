using Google.Protobuf;
using Onnx;

namespace VaeWorkbench.Onnx;

/// <summary>
/// Builds one ONNX graph (nodes, weights, typed inputs and outputs) as protobuf messages from the compiled onnx.proto,
/// so every byte of the file is written by Google.Protobuf. Tensor names are made unique here.
/// </summary>
internal sealed class OnnxGraph(string name)
{
    /// <summary>Opset of the default ONNX domain the graphs use; the schema (IR 8) knows opsets up to 17.</summary>
    public const long Opset = 17;

    /// <summary>The symbolic name of the dynamic batch dimension, in every input and output.</summary>
    public const string BatchDimension = "batch";

    private readonly GraphProto _graph = new() { Name = name };
    private int _next;

    public string Fresh(string hint) => $"{hint}_{_next++}";

    /// <summary>A float input of shape (batch, dims...).</summary>
    public string FloatInput(string tensor, string doc, params long[] dims) => Input(tensor, doc, TensorProto.Types.DataType.Float, dims);

    public string Input(string tensor, string doc, TensorProto.Types.DataType type, params long[] dims)
    {
        _graph.Input.Add(ValueInfo(tensor, doc, type, dims));
        return tensor;
    }

    /// <summary>Declares <paramref name="source"/> as graph output <paramref name="tensor"/> of shape (batch, dims...).</summary>
    public void FloatOutput(string source, string tensor, string doc, params long[] dims)
    {
        Node("Identity", [source], tensor);
        _graph.Output.Add(ValueInfo(tensor, doc, TensorProto.Types.DataType.Float, dims));
    }

    /// <summary>A float weight; <paramref name="values"/> are row-major in <paramref name="dims"/>.</summary>
    public string Weight(string hint, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        // ONNX raw_data is little-endian; so is every platform .NET runs this on, and BinaryPrimitives would say so anyway.
        for (var i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A 1-D int64 constant (shapes, split sizes).</summary>
    public string Int64s(string hint, params long[] values)
    {
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string op, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        output ??= Fresh(op.ToLowerInvariant());
        MultiOutputNode(op, inputs, [output], attributes);
        return output;
    }

    public void MultiOutputNode(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>The graph wrapped in a model (IR 8, opset 17) and serialised.</summary>
    public byte[] ToModel(string doc, IReadOnlyDictionary<string, string> metadata)
    {
        _graph.DocString = doc;
        var model = new ModelProto
        {
            IrVersion = (long)global::Onnx.Version.IrVersion,
            ProducerName = "VaeWorkbench",
            ProducerVersion = typeof(OnnxGraph).Assembly.GetName().Version?.ToString() ?? "",
            Domain = "org.vaeworkbench",
            ModelVersion = 1,
            DocString = doc,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model.ToByteArray();
    }

    private static ValueInfoProto ValueInfo(string tensor, string doc, TensorProto.Types.DataType type, long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = tensor,
            DocString = doc,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
