using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>
/// What blazor.web.js does to make a page interactive, over the app's own /_blazor hub: fetch the prerendered page,
/// negotiate, open the WebSocket, start a circuit, and hand it the page's interactive root components, then
/// acknowledge the render batches the server sends. One instance is one circuit, as one browser tab holds one.
/// </summary>
public sealed partial class BlazorCircuitClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly WebSocket _socket;
    private readonly CancellationTokenSource _closing = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private Task _listening = Task.CompletedTask;
    private bool _started;

    private BlazorCircuitClient(WebSocket socket) => _socket = socket;

    /// <summary>Render batches the circuit sent for the page's components: proof that it really rendered them.</summary>
    public int RenderBatches { get; private set; }

    /// <summary>JavaScript calls the circuit made into the "browser", each answered as done.</summary>
    public int JsCalls { get; private set; }

    /// <param name="pages">A client that sends the signed-in user's cookie (<paramref name="cookie"/>) with every request.</param>
    public static async Task<BlazorCircuitClient> OpenAsync(WebApplicationFactory<Program> factory, HttpClient pages, string cookie, string path, CancellationToken ct)
    {
        var html = await pages.GetStringAsync(path, ct);
        var markers = Marker().Matches(html).Select(m => m.Groups[1].Value).Where(m => m.Contains("\"descriptor\"")).ToList();
        if (markers.Count == 0) throw new InvalidOperationException($"{path} rendered no interactive component markers");
        var state = ComponentState().Match(html) is { Success: true } s ? s.Groups[1].Value : "";

        var negotiated = await pages.PostAsync("/_blazor/negotiate?negotiateVersion=1", null, ct);
        negotiated.EnsureSuccessStatusCode();
        var token = (await negotiated.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("connectionToken").GetString();
        var sockets = factory.Server.CreateWebSocketClient();
        sockets.ConfigureRequest = request => request.Headers.Cookie = cookie;
        var socket = await sockets.ConnectAsync(new Uri($"ws://localhost/_blazor?id={token}"), ct);
        var client = new BlazorCircuitClient(socket);
        try
        {
            await client.HandshakeAsync(ct);
            var baseUri = factory.Server.BaseAddress.ToString();
            await client.SendAsync(HubMessagePack.Invocation("0", "StartCircuit", baseUri, new Uri(factory.Server.BaseAddress, path).ToString(), "[]", ""), ct);
            var operations = JsonSerializer.Serialize(new
            {
                batchId = 1,
                operations = markers.Select((marker, i) => new { type = "add", ssrComponentId = i + 1, marker = JsonDocument.Parse(marker).RootElement }),
            });
            await client.SendAsync(HubMessagePack.Invocation(null, "UpdateRootComponents", operations, state), ct);
            await client.ReceiveUntilRenderedAsync(ct);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task HandshakeAsync(CancellationToken ct)
    {
        await _socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}" + RecordSeparator), WebSocketMessageType.Text, true, ct);
        var answer = Encoding.UTF8.GetString(await ReceiveFrameAsync(ct)).TrimEnd(RecordSeparator);
        if (answer != "{}") throw new InvalidOperationException($"The hub refused the handshake: {answer}");
    }

    /// <summary>Reads until StartCircuit has answered with the circuit's secret and the components have rendered.</summary>
    private async Task ReceiveUntilRenderedAsync(CancellationToken ct)
    {
        while (!_started || RenderBatches == 0)
            foreach (var message in HubMessagePack.ReadMessages(await ReceiveFrameAsync(ct))) await HandleAsync(message, ct);
        _listening = Task.Run(ListenAsync, CancellationToken.None);
    }

    /// <summary>Keeps answering the server for as long as the tab is open, as the browser would.</summary>
    private async Task ListenAsync()
    {
        try
        {
            while (true)
                foreach (var message in HubMessagePack.ReadMessages(await ReceiveFrameAsync(_closing.Token))) await HandleAsync(message, _closing.Token);
        }
        catch (Exception) when (_closing.IsCancellationRequested || _socket.State != WebSocketState.Open)
        {
            // The tab was closed.
        }
    }

    private async Task HandleAsync(object?[] message, CancellationToken ct)
    {
        switch ((long)message[0]!)
        {
            case 1 when (string)message[3]! == "JS.RenderBatch":
                RenderBatches++;
                await SendAsync(HubMessagePack.Invocation(null, "OnRenderCompleted", (long)((object?[])message[4]!)[0]!, null), ct);
                break;
            case 1 when (string)message[3]! == "JS.BeginInvokeJS":
                // [taskId, identifier, argsJson, resultType, targetInstanceId]: the browser runs the function and reports
                // back; this client reports success with no value (no page here needs a value from the browser to render).
                var taskId = (long)((object?[])message[4]!)[0]!;
                if (taskId != 0) await SendAsync(HubMessagePack.Invocation(null, "EndInvokeJSFromDotNet", taskId, true, $"[{taskId},true,null]"), ct);
                JsCalls++;
                break;
            case 1 when (string)message[3]! == "JS.Error":
                throw new InvalidOperationException($"The circuit reported an error: {((object?[])message[4]!)[0]}");
            case 3:
                // Completion [3, headers, id, kind, result]: kind 1 is an error, 3 a result (the circuit's secret).
                if ((long)message[3]! != 3 || message[4] is not string { Length: > 0 })
                    throw new InvalidOperationException($"StartCircuit failed: {message.ElementAtOrDefault(4)}");
                _started = true;
                break;
            case 7:
                throw new InvalidOperationException($"The hub closed the connection: {message.ElementAtOrDefault(1)}");
        }
    }

    private async Task SendAsync(byte[] message, CancellationToken ct)
    {
        await _sending.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Binary, true, ct);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task<byte[]> ReceiveFrameAsync(CancellationToken ct)
    {
        using var frame = new MemoryStream();
        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("The hub closed the WebSocket");
            frame.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return frame.ToArray();
    }

    /// <summary>Drops the connection as a closed browser tab does; the server keeps the circuit as disconnected.</summary>
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _socket.Abort();
        await _listening;
        _socket.Dispose();
        _closing.Dispose();
        _sending.Dispose();
    }

    [GeneratedRegex("<!--Blazor:(\\{.*?\\})-->", RegexOptions.Singleline)]
    private static partial Regex Marker();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(.*?)-->", RegexOptions.Singleline)]
    private static partial Regex ComponentState();
}
