using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL 15 cluster of one test's own, for tests that restart or stop the server (the shared server of
/// <see cref="PostgresDatabase"/> serves other tests meanwhile). Made as scripts/test.sh makes its cluster: initdb as the
/// user postgres (through runuser when root: initdb refuses root), a free port, listening on 127.0.0.1 only, the socket
/// in its own data folder, fsync off. Stopped and deleted on dispose.
/// </summary>
public sealed class PrivatePostgresServer : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private PrivatePostgresServer(string dataDirectory, int port)
    {
        DataDirectory = dataDirectory;
        Port = port;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    private string LogFile => Path.Combine(DataDirectory, "server.log");

    private string ServerOptions => $"-c listen_addresses=127.0.0.1 -p {Port} -k {DataDirectory} -c fsync=off";

    /// <summary>A connection string to <paramref name="database"/> on this server (EF's Migrate creates the database).</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database }.ConnectionString;

    public static async Task<PrivatePostgresServer> StartAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")))
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({Bin}/initdb is missing). Run: sudo apt-get install -y postgresql " +
                "(scripts/test.sh installs it).");
        // Made with mode 700, as initdb wants its data folder.
        var directory = Directory.CreateTempSubdirectory("vwb-pg-").FullName;
        var server = new PrivatePostgresServer(directory, FreePort());
        try
        {
            if (Environment.UserName == "root") await RunAsync("chown", "postgres", directory);
            await server.AsPostgresAsync("initdb", "-D", directory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
            await server.StartServerAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped server again (same port, same data).</summary>
    public Task StartServerAsync() =>
        AsPostgresAsync("pg_ctl", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", ServerOptions, "start");

    /// <summary><c>pg_ctl stop -m fast</c>: every session is ended at once, as when an administrator stops the server.</summary>
    public Task StopServerAsync() => AsPostgresAsync("pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop");

    /// <summary><c>pg_ctl restart -m fast</c>: every session is ended, and the server is back when this returns.</summary>
    public Task RestartServerAsync() =>
        AsPostgresAsync("pg_ctl", "-D", DataDirectory, "-l", LogFile, "-m", "fast", "-w", "-t", "60", "-o", ServerOptions, "restart");

    private Task AsPostgresAsync(string tool, params string[] arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, tool), .. arguments])
            : RunAsync(Path.Combine(Bin, tool), arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}");
        // With -l the server writes to its log file, never to these pipes, so they close when pg_ctl exits.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}{await error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await StopServerAsync();
            }
            catch (InvalidOperationException)
            {
                // Already stopped (a test stopped it and failed before starting it again).
            }
        }
        Directory.Delete(DataDirectory, recursive: true);
    }
}
