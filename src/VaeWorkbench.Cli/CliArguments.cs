using System.Globalization;

namespace VaeWorkbench.Cli;

/// <summary>Thrown for a malformed command line; the runner prints the message and the command's usage.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The options (<c>--name value</c>, <c>--flag</c>) and positional arguments after the command words.
/// Every option read is remembered, so an option nobody asked for is reported instead of ignored.
/// </summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    public CliArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                string? value = null;
                var eq = name.IndexOf('=');
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    value = args[++i];
                }
                if (!_options.TryAdd(name, value))
                    throw new UsageException($"option --{name} is given more than once");
            }
            else
            {
                _positionals.Add(arg);
            }
        }
    }

    public IReadOnlyList<string> Positionals => _positionals;

    public bool Has(string name)
    {
        _consumed.Add(name);
        return _options.ContainsKey(name);
    }

    public bool Flag(string name)
    {
        _consumed.Add(name);
        if (!_options.TryGetValue(name, out var value)) return false;
        return value is null || value is "true" or "1" or "yes"
            ? true
            : value is "false" or "0" or "no" ? false : throw new UsageException($"--{name} takes no value (got '{value}')");
    }

    public string? String(string name)
    {
        _consumed.Add(name);
        if (!_options.TryGetValue(name, out var value)) return null;
        return value ?? throw new UsageException($"--{name} needs a value");
    }

    public string Required(string name) =>
        String(name) ?? throw new UsageException($"--{name} is required");

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = String(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new UsageException($"--{name} must be a whole number (got '{text}')");
        if (value < min || value > max)
            throw new UsageException($"--{name} must be between {min} and {max} (got {value})");
        return value;
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = String(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new UsageException($"--{name} must be a number (got '{text}')");
        if (value < min || value > max)
            throw new UsageException($"--{name} must be between {min} and {max} (got {value})");
        return value;
    }

    /// <summary>A comma-separated list of numbers, each checked against [min, max]; <paramref name="fallback"/> when absent.</summary>
    public double[] DoubleList(string name, double[] fallback, double min, double max) =>
        List(name, fallback, text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= min && v <= max ? v : null,
            $"numbers between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A comma-separated list of whole numbers, each checked against [min, max]; <paramref name="fallback"/> when absent.</summary>
    public int[] IntList(string name, int[] fallback, int min, int max) =>
        List(name, fallback, text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : null,
            $"whole numbers between {min} and {max}");

    /// <summary>A comma-separated list of names, each one of <paramref name="choices"/>' keys; <paramref name="fallback"/> when absent.</summary>
    public T[] ChoiceList<T>(string name, T[] fallback, IReadOnlyDictionary<string, T> choices) where T : struct =>
        List(name, fallback, text => choices.TryGetValue(text, out var v) ? v : null, $"one of {string.Join('|', choices.Keys)}");

    private T[] List<T>(string name, T[] fallback, Func<string, T?> parse, string expected) where T : struct
    {
        var text = String(name);
        if (text is null) return fallback;
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        return [.. items.Select(item => parse(item) ?? throw new UsageException($"--{name} must be a comma-separated list of {expected} (got '{item}')"))];
    }

    /// <summary>A training setting's flag, refused in the same words as the web form and the API when out of range.</summary>
    public double Setting(VaeWorkbench.Engine.Training.SettingRange range, double fallback)
    {
        var text = String(range.CliFlag);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new UsageException($"--{range.CliFlag} must be a number (got '{text}')");
        if (range.Check(value) is { } refusal) throw new UsageException($"--{range.CliFlag} {refusal}");
        return value;
    }

    public int Setting(VaeWorkbench.Engine.Training.SettingRange range, int fallback) => (int)Setting(range, (double)fallback);

    public T Choice<T>(string name, T fallback, IReadOnlyDictionary<string, T> choices)
    {
        var text = String(name);
        if (text is null) return fallback;
        return choices.TryGetValue(text, out var value)
            ? value
            : throw new UsageException($"--{name} must be one of {string.Join('|', choices.Keys)} (got '{text}')");
    }

    /// <summary>Fails on options the command never read, so a typo such as <c>--epoch</c> is not silently ignored.</summary>
    public void EnsureAllConsumed()
    {
        var unknown = _options.Keys.Where(k => !_consumed.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}
