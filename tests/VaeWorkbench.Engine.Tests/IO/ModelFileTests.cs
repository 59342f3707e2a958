using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.IO;

public class ModelFileTests
{
    private static readonly Data.ImageDataset Train = TestData.RandomImages(64, 1, 3, 4, 21);
    private static readonly Data.ImageDataset Validation = TestData.RandomImages(16, 1, 3, 4, 22);

    private static TrainingOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 10, Seed = 3, LearningRate = 3e-3f, EarlyStoppingPatience = 5 };

    private static byte[] SaveToBytes(Vae vae, Trainer? trainer = null)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(stream, vae, trainer);
        return stream.ToArray();
    }

    [Fact]
    public void A_config_without_some_fields_keeps_their_defaults()
    {
        // Files written before a field existed, or trimmed by hand: the missing fields are the defaults, never zero or
        // null (source-generated JSON metadata had set missing init-only properties to default(T)).
        var config = ModelFile.ReadConfig("{\"architecture\":\"conv\",\"latent\":16}")!;
        var defaults = new VaeConfig();
        Assert.Equal(VaeArchitecture.Conv, config.Architecture);
        Assert.Equal(16, config.Latent);
        Assert.Equal(defaults.Hidden, config.Hidden);
        Assert.Equal(defaults.ConvWidths, config.ConvWidths);
        Assert.Equal((defaults.Channels, defaults.Height, defaults.Width, defaults.ConvDense), (config.Channels, config.Height, config.Width, config.ConvDense));
        Assert.Equal((defaults.Loss, defaults.ObservationScale), (config.Loss, config.ObservationScale));
    }

    [Fact]
    public void Load_hands_over_the_config_once_before_it_returns()
    {
        var vae = new Vae(TestData.TinyConv(), 4);
        var seen = new List<VaeConfig>();
        var loaded = ModelFile.Load(SaveToBytes(vae), seen.Add);
        Assert.Same(loaded.Model.Config, Assert.Single(seen));
        Assert.Equal(vae.Config.Architecture, seen[0].Architecture);
        Assert.Equal(vae.Config.ConvWidths, seen[0].ConvWidths);
    }

    [Fact]
    public void SaveThenLoadRestoresConfigAndWeights()
    {
        var vae = new Vae(TestData.TinyConv(channels: 3) with { Loss = ReconstructionKind.GaussianLearned }, 1);
        var loaded = ModelFile.Load(SaveToBytes(vae));
        Assert.Equal(vae.Config.ConvWidths, loaded.Model.Config.ConvWidths);
        Assert.Equal(vae.Config with { ConvWidths = [], Hidden = [] }, loaded.Model.Config with { ConvWidths = [], Hidden = [] });
        Assert.Equal(vae.Parameters.Select(p => p.Value), loaded.Model.Parameters.Select(p => p.Value));
        Assert.False(loaded.CanResume);
    }

    [Fact]
    public void ResumingACheckpointGivesTheSameResultAsAnUninterruptedRun()
    {
        var straight = new Trainer(new Vae(TestData.TinyMlp(), 3), Options(4));
        straight.Run(Train, Validation);

        var first = new Trainer(new Vae(TestData.TinyMlp(), 3), Options(2));
        first.Run(Train, Validation);
        var path = Path.Combine(Path.GetTempPath(), $"vae-resume-{Guid.NewGuid():N}.vae");
        try
        {
            ModelFile.Save(path, first.Model, first);
            var resumed = ModelFile.Load(path).Resume(totalEpochs: 4);
            Assert.Equal(2, resumed.EpochsCompleted);
            resumed.Run(Train, Validation);
            Assert.Equal(straight.Model.Parameters.Select(p => p.Value), resumed.Model.Parameters.Select(p => p.Value));
            Assert.Equal(straight.History.Select(h => h.TrainLoss), resumed.History.Select(h => h.TrainLoss));
            Assert.Equal(straight.History.Select(h => h.ValidationLoss), resumed.History.Select(h => h.ValidationLoss));
            Assert.Equal(straight.Optimizer.FirstMoments, resumed.Optimizer.FirstMoments);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_checkpoint_taken_mid_epoch_resumes_to_exactly_the_uninterrupted_result()
    {
        // Denoising draws noise from the training RNG on every batch, so a wrong RNG position would show.
        var options = Options(3) with { DenoiseNoise = 0.1f };
        var straight = new Trainer(new Vae(TestData.TinyMlp(), 3), options);
        straight.Run(Train, Validation);

        // 64 images in batches of 10 make 7 batches an epoch: stopping after 10 batches leaves epoch 2 with 3 done.
        using var stop = new CancellationTokenSource();
        var first = new Trainer(new Vae(TestData.TinyMlp(), 3), options);
        var batches = 0;
        first.BatchCompleted += (_, _) => { if (++batches == 10) stop.Cancel(); };
        Assert.ThrowsAny<OperationCanceledException>(() => first.Run(Train, Validation, stop.Token));
        Assert.Equal(1, first.EpochsCompleted);
        Assert.Equal(3, first.PartialEpoch?.BatchesDone);

        var resumed = ModelFile.Load(SaveToBytes(first.Model, first)).Resume();
        Assert.Equal(3, resumed.PartialEpoch?.BatchesDone);
        resumed.Run(Train, Validation);
        Assert.Null(resumed.PartialEpoch);
        Assert.Equal(straight.Model.Parameters.Select(p => p.Value), resumed.Model.Parameters.Select(p => p.Value));
        Assert.Equal(straight.History.Select(h => h.TrainLoss), resumed.History.Select(h => h.TrainLoss));
        Assert.Equal(straight.History.Select(h => h.ValidationLoss), resumed.History.Select(h => h.ValidationLoss));
        Assert.Equal(straight.Optimizer.SecondMoments, resumed.Optimizer.SecondMoments);
    }

    [Fact]
    public void Saving_to_a_path_leaves_the_old_file_in_place_until_the_new_one_is_complete()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vae-atomic-{Guid.NewGuid():N}.vae");
        try
        {
            var old = new Vae(TestData.TinyMlp(), 1);
            ModelFile.Save(path, old);
            var before = File.ReadAllBytes(path);
            var replacement = new Vae(TestData.TinyMlp(), 2);
            ModelFile.Save(path, replacement, beforeRename: () =>
            {
                Assert.Equal(before, File.ReadAllBytes(path));
                var temporary = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*" + ModelFile.TemporarySuffix));
                Assert.Equal(SaveToBytes(replacement), File.ReadAllBytes(temporary));
            });
            Assert.Equal(SaveToBytes(replacement), File.ReadAllBytes(path));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*" + ModelFile.TemporarySuffix));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheFileIsSafetensors()
    {
        var vae = new Vae(TestData.TinyMlp(), 1);
        var bytes = SaveToBytes(vae);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength))!.AsObject();
        var fc1 = header["encoder.fc1.weight"]!;
        Assert.Equal("F32", (string)fc1["dtype"]!);
        Assert.Equal([6, 12], fc1["shape"]!.AsArray().Select(n => (int)n!));
        var offsets = fc1["data_offsets"]!.AsArray().Select(n => (long)n!).ToArray();
        Assert.Equal(6 * 12 * 4, offsets[1] - offsets[0]);
        var first = BitConverter.ToSingle(bytes, 8 + headerLength + (int)offsets[0]);
        Assert.Equal(vae.Parameters.Single(p => p.Name == "encoder.fc1.weight").Value[0], first);
        Assert.Equal(ModelFile.FormatName, (string)header["__metadata__"]!["format"]!);
        Assert.Contains("\"latent\":2", (string)header["__metadata__"]!["config"]!);
    }

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "empty", "too short" },
        { "truncated-data", "truncated" },
        { "truncated-header", "only" },
        { "huge-header-length", "limit" },
        { "bad-json", "not valid JSON" },
        { "header-not-object", "not an object" },
        { "wrong-dtype", "dtype F16 is not supported" },
        { "shape-size-mismatch", "needs" },
        { "offsets-out-of-range", "run past" },
        { "overlapping-offsets", "overlapping" },
        { "negative-shape", "non-negative" },
        { "missing-tensor", "is missing" },
        { "wrong-shape-for-config", "the config needs" },
        { "not-a-vae", "not a VaeWorkbench model" },
        { "bad-config-json", "'config' metadata is not valid" },
        { "invalid-config", "saved config is invalid" },
        { "bad-rng-state", "RNG state" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void CorruptFilesAreRejectedWithAClearMessage(string corruption, string expectedMessage)
    {
        var trainer = new Trainer(new Vae(TestData.TinyMlp(), 1), Options(1));
        trainer.Run(Train, null);
        var good = SaveToBytes(trainer.Model, trainer);
        var bad = Corrupt(good, corruption);
        var e = Assert.Throws<InvalidModelFileException>(() => ModelFile.Load(bad));
        Assert.Contains(expectedMessage, e.Message);
    }

    [Fact]
    public void EveryTruncationIsRejected()
    {
        var good = SaveToBytes(new Vae(TestData.TinyMlp(), 1));
        for (var length = 0; length < good.Length; length += 7)
            Assert.Throws<InvalidModelFileException>(() => ModelFile.Load(good.AsSpan(0, length)));
    }

    [Fact]
    public void MissingFileIsAFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => ModelFile.Load("/nonexistent/model.vae"));

    private static byte[] Corrupt(byte[] good, string corruption)
    {
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(good);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(good, 8, headerLength))!.AsObject();
        var data = good[(8 + headerLength)..];
        switch (corruption)
        {
            case "empty": return [1, 2, 3];
            case "truncated-data": return good[..^5];
            case "truncated-header": return good[..(headerLength / 2)];
            case "huge-header-length":
            {
                var copy = (byte[])good.Clone();
                BinaryPrimitives.WriteUInt64LittleEndian(copy, ulong.MaxValue - 3);
                return copy;
            }
            case "bad-json": return Assemble("{\"a\": [1, 2", data);
            case "header-not-object": return Assemble("[1, 2, 3]", data);
            case "wrong-dtype": header["encoder.fc1.weight"]!["dtype"] = "F16"; break;
            case "shape-size-mismatch": header["encoder.fc1.weight"]!["shape"] = new JsonArray(6, 13); break;
            case "offsets-out-of-range": header["encoder.fc1.weight"]!["data_offsets"] = new JsonArray(data.Length - 8, data.Length - 8 + 288); break;
            case "overlapping-offsets":
            {
                // Point two tensors of equal size at the same bytes.
                var a = header["encoder.fc1.bias"]!["data_offsets"]!.AsArray().Select(n => (long)n!).ToArray();
                header["optimizer.exp_avg.encoder.fc1.bias"]!["data_offsets"] = new JsonArray(a[0], a[1]);
                break;
            }
            case "negative-shape": header["encoder.fc1.weight"]!["shape"] = new JsonArray(-6, -12); break;
            case "missing-tensor": return Assemble(Rename(header, "decoder.out.bias", "decoder.other.bias"), data);
            case "wrong-shape-for-config":
            {
                var meta = header["__metadata__"]!;
                meta["config"] = ((string)meta["config"]!).Replace("\"latent\":2", "\"latent\":3", StringComparison.Ordinal);
                break;
            }
            case "not-a-vae": header["__metadata__"]!["format"] = "something-else"; break;
            case "bad-config-json": header["__metadata__"]!["config"] = "{\"latent\": "; break;
            case "invalid-config":
            {
                var meta = header["__metadata__"]!;
                meta["config"] = ((string)meta["config"]!).Replace("\"channels\":1", "\"channels\":7", StringComparison.Ordinal);
                break;
            }
            case "bad-rng-state":
            {
                var meta = header["__metadata__"]!;
                meta["trainer"] = ((string)meta["trainer"]!).Replace("\"rng\":\"", "\"rng\":\"x", StringComparison.Ordinal);
                break;
            }
            default: throw new ArgumentException(corruption);
        }
        return Assemble(header.ToJsonString(), data);
    }

    private static string Rename(JsonObject header, string from, string to)
    {
        var node = header[from]!.DeepClone();
        header.Remove(from);
        header[to] = node;
        return header.ToJsonString();
    }

    private static byte[] Assemble(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }
}
