using System.Buffers.Binary;
using System.Diagnostics;
using VaeWorkbench.Imaging.Formats;

namespace VaeWorkbench.Imaging.Diagnostics;

public sealed record FuzzOptions
{
    public int Cases { get; init; } = 10_000;

    public int Seed { get; init; } = 1;

    /// <summary>A case running longer than this counts as a hang, and the run stops (a stuck thread cannot be aborted).</summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>A case allocating more than this counts as unbounded memory.</summary>
    public long MaxAllocatedBytesPerCase { get; init; } = 1L << 30;

    public DecodeLimits Limits { get; init; } = DecodeLimits.Default;
}

/// <summary>A case that ended in something other than an image or <see cref="InvalidImageException"/>.</summary>
public sealed record FuzzFailure(string Seed, int Case, string Mutation, string Problem);

public sealed record FuzzReport(int Cases, int Decoded, int Rejected, IReadOnlyList<FuzzFailure> Failures, double SlowestCaseMs, long MostAllocatedBytes, double TotalSeconds);

/// <summary>
/// Mutation fuzzing of <see cref="ImageDecoder.Decode(ReadOnlySpan{byte}, DecodeLimits?)"/>: random byte and bit
/// flips, truncations, deletions, insertions and extreme 32-bit fields applied to valid files. For PNG seeds half the
/// cases get their chunk CRCs recomputed after mutating, so the damage reaches past the CRC check into the decoder.
/// Every case must end in an image or an <see cref="InvalidImageException"/>, within the time and memory bounds.
/// </summary>
public static class MutationFuzzer
{
    public static FuzzReport Run(IReadOnlyList<(string Name, byte[] Data)> seeds, FuzzOptions options, Action<int>? progress = null)
    {
        if (seeds.Count == 0) throw new ArgumentException("the fuzzer needs at least one seed file", nameof(seeds));
        var random = new Random(options.Seed);
        var failures = new List<FuzzFailure>();
        int decoded = 0, rejected = 0;
        double slowest = 0;
        long mostAllocated = 0;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < options.Cases; i++)
        {
            var (name, original) = seeds[random.Next(seeds.Count)];
            var (mutant, mutation) = Mutate(original, random);
            var outcome = RunCase(mutant, options);
            slowest = Math.Max(slowest, outcome.Milliseconds);
            mostAllocated = Math.Max(mostAllocated, outcome.AllocatedBytes);
            if (outcome.Problem is null)
            {
                if (outcome.Decoded) decoded++; else rejected++;
            }
            else
            {
                failures.Add(new FuzzFailure(name, i, mutation, outcome.Problem));
                if (outcome.Hung) break;
            }
            if (outcome.Problem is null && outcome.AllocatedBytes > options.MaxAllocatedBytesPerCase)
                failures.Add(new FuzzFailure(name, i, mutation, $"allocated {outcome.AllocatedBytes} bytes"));
            progress?.Invoke(i + 1);
        }
        return new FuzzReport(decoded + rejected + failures.Count, decoded, rejected, failures, slowest, mostAllocated, total.Elapsed.TotalSeconds);
    }

    private sealed record Outcome(bool Decoded, string? Problem, bool Hung, double Milliseconds, long AllocatedBytes);

    private static Outcome RunCase(byte[] data, FuzzOptions options)
    {
        long allocated = 0;
        var watch = Stopwatch.StartNew();
        var task = Task.Factory.StartNew(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                ImageDecoder.Decode(data, options.Limits);
                return (true, (string?)null);
            }
            catch (InvalidImageException)
            {
                return (false, null);
            }
            catch (Exception e)
            {
                return (false, $"{e.GetType().Name}: {e.Message} {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
            }
            finally
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!task.Wait(options.CaseTimeout))
            return new Outcome(false, $"no result after {options.CaseTimeout.TotalSeconds} s (hang)", true, watch.Elapsed.TotalMilliseconds, 0);
        var (ok, problem) = task.Result;
        return new Outcome(ok, problem, false, watch.Elapsed.TotalMilliseconds, allocated);
    }

    /// <summary>One random mutation, described for the failure report.</summary>
    internal static (byte[] Data, string Description) Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        string description;
        switch (random.Next(7))
        {
            case 0:
                var count = 1 + random.Next(8);
                for (var k = 0; k < count; k++) data[random.Next(data.Length)] = (byte)random.Next(256);
                description = $"{count} random bytes";
                break;
            case 1:
                var at = random.Next(data.Length);
                data[at] ^= (byte)(1 << random.Next(8));
                description = $"bit flip at {at}";
                break;
            case 2:
                var length = random.Next(data.Length);
                data = data[..length];
                description = $"truncated to {length}";
                break;
            case 3:
                var headerByte = random.Next(Math.Min(64, data.Length));
                data[headerByte] = (byte)random.Next(256);
                description = $"header byte {headerByte}";
                break;
            case 4:
                var start = random.Next(data.Length);
                var cut = Math.Min(data.Length - start, 1 + random.Next(64));
                data = [.. data.AsSpan(0, start), .. data.AsSpan(start + cut)];
                description = $"deleted {cut} at {start}";
                break;
            case 5:
                var where = random.Next(data.Length);
                var junk = new byte[1 + random.Next(32)];
                random.NextBytes(junk);
                data = [.. data.AsSpan(0, where), .. junk, .. data.AsSpan(where)];
                description = $"inserted {junk.Length} at {where}";
                break;
            default:
                if (data.Length < 4) goto case 0;
                var field = random.Next(Math.Min(128, data.Length - 3));
                uint[] extremes = [0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x10000, 0xFFFF];
                BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(field), extremes[random.Next(extremes.Length)]);
                description = $"extreme 32-bit field at {field}";
                break;
        }
        if (ImageDecoder.DetectFormat(data) == ImageFormat.Png && random.Next(2) == 0)
        {
            FixPngCrcs(data);
            description += " (CRCs fixed)";
        }
        return (data, description);
    }

    /// <summary>Recomputes the CRC of every complete chunk, so the mutation is seen by the code after the CRC check.</summary>
    internal static void FixPngCrcs(Span<byte> data)
    {
        var offset = 8;
        while (offset + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            if (length > data.Length - offset - 12) return;
            var crc = Crc32.Compute(data.Slice(offset + 4, 4 + (int)length));
            BinaryPrimitives.WriteUInt32BigEndian(data[(offset + 8 + (int)length)..], crc);
            offset += 12 + (int)length;
        }
    }
}
