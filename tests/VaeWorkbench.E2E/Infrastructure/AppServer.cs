using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>
/// The real web app, started as its own process on a free loopback port with a fresh data directory,
/// exactly as a user runs it. Stopped and cleaned up on dispose.
/// </summary>
public sealed partial class AppServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private readonly bool _ownsDataDirectory;

    private AppServer(Process process, string baseUrl, string dataDirectory, bool ownsDataDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public string BaseUrl { get; }

    public string DataDirectory { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>
    /// Starts the app. With <paramref name="existingDataDirectory"/> it starts on another server's data (a restart);
    /// otherwise on a fresh directory that is deleted on dispose.
    /// </summary>
    public static async Task<AppServer> StartAsync(IDictionary<string, string>? settings = null, string? existingDataDirectory = null)
    {
        var dataDirectory = existingDataDirectory ?? Path.Combine(Path.GetTempPath(), "vwb-e2e-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = StartInfo(dataDirectory, settings);
        start.Environment["Urls"] = baseUrl;

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the web app");
        var server = new AppServer(process, baseUrl, dataDirectory, ownsDataDirectory: existingDataDirectory is null);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    /// <summary>
    /// Runs <c>VaeWorkbench.Web check-storage</c> on this server's data with its settings (the server may be running or
    /// stopped) and returns its exit code and output; exit code 0 means the database and the files agree.
    /// </summary>
    public static Task<(int ExitCode, string Output)> CheckStorageAsync(string dataDirectory, IDictionary<string, string>? settings = null) =>
        RunToExitAsync(dataDirectory, settings, "check-storage");

    /// <summary>Runs the app on the data until it exits by itself (a start-up that refuses to serve, a command).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string dataDirectory, IDictionary<string, string>? settings, params string[] arguments)
    {
        var start = StartInfo(dataDirectory, settings);
        start.Environment["Urls"] = $"http://127.0.0.1:{FreePort()}";
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the web app");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output + await errors);
    }

    private static ProcessStartInfo StartInfo(string dataDirectory, IDictionary<string, string>? settings)
    {
        var executable = Path.Combine(RepoPaths.WebOutputDirectory, "VaeWorkbench.Web");
        if (!File.Exists(executable))
            throw new InvalidOperationException($"The web app is not built at {executable}; build the solution first.");
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Storage__DataDirectory"] = dataDirectory;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key.Replace(":", "__")] = value;
        return start;
    }

    /// <summary>Waits until the server's log holds <paramref name="text"/> (a failpoint announcing itself, for example).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(4));
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) throw new InvalidOperationException($"The web app exited (code {_process.ExitCode}) before logging '{text}':\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The web app did not log '{text}':\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// SIGTERM, as <c>kill</c> or a service manager sends it: the host shuts down gracefully. Returns the exit code
    /// once the process has ended (it must end within <paramref name="timeout"/>).
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        const int sigterm = 15;
        if (SendSignal(_process.Id, sigterm) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The web app exited with code {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync(BaseUrl + "/healthz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy to answer within the request timeout (a loaded machine): poll again until the deadline.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The web app did not become healthy within {timeout}:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: the process gets no chance to clean up. The data directory stays.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        if (_ownsDataDirectory && Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
    }
}
