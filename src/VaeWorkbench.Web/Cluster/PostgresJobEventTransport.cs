using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;

namespace VaeWorkbench.Web.Cluster;

/// <summary>
/// Job progress over PostgreSQL <c>LISTEN/NOTIFY</c> on one channel. A message is delivered to this process's subscribers
/// at once, and sent with <c>pg_notify</c> by a background sender; a dedicated listening connection delivers other
/// processes' messages (its own are recognised by the origin and skipped). A lost connection, a PostgreSQL restart
/// say, is reopened with back-off (<see cref="ClusterEventOptions"/>); progress published meanwhile waits in a bounded
/// queue (the oldest is dropped when it is full: progress is superseded by the next message anyway).
/// </summary>
public sealed class PostgresJobEventTransport : BackgroundService, IJobEventTransport
{
    /// <summary>PostgreSQL refuses a NOTIFY payload of 8000 bytes or more.</summary>
    public const int MaxPayloadBytes = 7999;

    public const string Channel = "vae_job_events";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ClusterEventOptions _options;
    private readonly ILogger<PostgresJobEventTransport> _logger;
    private readonly LocalSubscribers _subscribers;
    private readonly Channel<string> _outbox;
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private int _listening;

    public PostgresJobEventTransport(string connectionString, ClusterEventOptions options, ILogger<PostgresJobEventTransport> logger)
    {
        // No pooling for the listener's sake is not needed: LISTEN holds its own physical connection for as long as it lives.
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _options = options;
        _logger = logger;
        _subscribers = new LocalSubscribers(logger);
        _outbox = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(options.OutboxCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
        });
    }

    public bool CrossesProcesses => true;

    /// <summary>Whether the listening connection is open and subscribed now.</summary>
    public bool Listening => Volatile.Read(ref _listening) == 1;

    /// <summary>How many times the listener has (re)connected: 1 after the first start.</summary>
    public int Connections { get; private set; }

    public void Publish<T>(string topic, T message) where T : class
    {
        _subscribers.Deliver(topic, message);
        var payload = JsonSerializer.Serialize(new Envelope(_origin, topic, JsonSerializer.Serialize(message, LocalSubscribers.Json)), LocalSubscribers.Json);
        if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            // Large parts (reconstruction images) travel through the shared data folder, so only an oversized error text gets here.
            _logger.LogWarning("A {Topic} message of {Bytes} bytes is too large for NOTIFY; other nodes will not see it", topic, payload.Length);
            return;
        }
        _outbox.Writer.TryWrite(payload);
    }

    public void Subscribe<T>(string topic, Action<T> handler) where T : class => _subscribers.Add(topic, handler);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _dataSource.DisposeAsync();
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var backoff = new Backoff(_options);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(ct);
                Connections++;
                Volatile.Write(ref _listening, 1);
                backoff.Reset();
                _logger.LogInformation("Listening for job progress from other nodes (connection {Count})", Connections);
                while (!ct.IsCancellationRequested)
                {
                    // Idle for a while: ask the server something, so a connection that died quietly is noticed.
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(_options.ProbeSeconds), ct))
                        await using (var probe = new NpgsqlCommand("SELECT 1", connection)) await probe.ExecuteScalarAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Volatile.Write(ref _listening, 0);
                var wait = backoff.Next();
                _logger.LogWarning(e, "The job-progress listener lost its connection; reconnecting in {Delay} ms", (int)wait.TotalMilliseconds);
                try
                {
                    await Task.Delay(wait, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        Volatile.Write(ref _listening, 0);
    }

    private async Task SendAsync(CancellationToken ct)
    {
        var backoff = new Backoff(_options);
        string? pending = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                pending ??= await _outbox.Reader.ReadAsync(ct);
                await using var command = _dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
                command.Parameters.AddWithValue("channel", Channel);
                command.Parameters.AddWithValue("payload", pending);
                await command.ExecuteNonQueryAsync(ct);
                pending = null;
                backoff.Reset();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The message stays pending and goes out once the database answers again.
                var wait = backoff.Next();
                _logger.LogWarning(e, "Sending job progress failed; retrying in {Delay} ms", (int)wait.TotalMilliseconds);
                try
                {
                    await Task.Delay(wait, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private void OnNotification(string payload)
    {
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(payload, LocalSubscribers.Json);
        }
        catch (JsonException e)
        {
            _logger.LogWarning(e, "A job-progress notification could not be read");
            return;
        }
        if (envelope is null || envelope.Origin == _origin) return; // ours: already delivered when published
        _subscribers.DeliverJson(envelope.Topic, envelope.Message);
    }

    private sealed record Envelope(string Origin, string Topic, string Message);
}

/// <summary>Doubling waits between reconnects, from the first delay up to the cap.</summary>
internal sealed class Backoff(ClusterEventOptions options)
{
    private int _attempt;

    public TimeSpan Next()
    {
        var ms = Math.Min(options.ReconnectMaxMilliseconds, options.ReconnectInitialMilliseconds * Math.Pow(2, _attempt));
        _attempt = Math.Min(_attempt + 1, 30);
        return TimeSpan.FromMilliseconds(ms);
    }

    public void Reset() => _attempt = 0;
}
