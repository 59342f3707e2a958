namespace VaeWorkbench.Engine;

/// <summary>
/// xoshiro256** with a Box–Muller normal generator. Its whole state is four words plus one cached normal,
/// so a checkpoint can save it and a resumed run draws exactly the numbers an uninterrupted run would.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private bool _hasSpareNormal;
    private float _spareNormal;

    public Rng(ulong seed)
    {
        // SplitMix64 spreads any seed (even 0) over the four state words, as xoshiro's authors recommend.
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private Rng() { }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 bits, the full float mantissa.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound), unbiased (Lemire's multiply-shift with rejection).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), "bound must be positive");
        var range = (ulong)bound;
        while (true)
        {
            var product = Math.BigMul(NextUInt64(), range, out var low);
            if (low >= (0UL - range) % range) return (int)product;
        }
    }

    public float NextUniform(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>Standard normal via Box–Muller; the second value of each pair is kept for the next call.</summary>
    public float NextGaussian()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u1;
        do u1 = NextDouble(); while (u1 <= double.Epsilon);
        var u2 = NextDouble();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var angle = 2.0 * Math.PI * u2;
        _spareNormal = (float)(radius * Math.Sin(angle));
        _hasSpareNormal = true;
        return (float)(radius * Math.Cos(angle));
    }

    public void FillGaussian(Span<float> destination, float scale = 1f)
    {
        for (var i = 0; i < destination.Length; i++) destination[i] = NextGaussian() * scale;
    }

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>The state as text ("s0 s1 s2 s3 spare"), for a checkpoint's metadata.</summary>
    public string SaveState() =>
        FormattableString.Invariant($"{_s0} {_s1} {_s2} {_s3} {(_hasSpareNormal ? BitConverter.SingleToInt32Bits(_spareNormal).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}");

    public static Rng FromState(string state)
    {
        var parts = state.Split(' ');
        if (parts.Length != 5) throw new FormatException($"RNG state must have 5 fields, got {parts.Length}");
        var rng = new Rng
        {
            _s0 = ParseWord(parts[0]),
            _s1 = ParseWord(parts[1]),
            _s2 = ParseWord(parts[2]),
            _s3 = ParseWord(parts[3]),
        };
        if ((rng._s0 | rng._s1 | rng._s2 | rng._s3) == 0) throw new FormatException("RNG state is all zero");
        if (parts[4] != "-")
        {
            rng._hasSpareNormal = true;
            rng._spareNormal = BitConverter.Int32BitsToSingle(int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture));
        }
        return rng;
    }

    private static ulong ParseWord(string text) =>
        ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"RNG state word '{text}' is not an unsigned integer");

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
