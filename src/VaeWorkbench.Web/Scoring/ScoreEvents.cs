namespace VaeWorkbench.Web.Scoring;

/// <summary>In-process fan-out of scoring progress to open pages (no browser polling), and the wake-up for the job service.</summary>
public sealed class ScoreEvents
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public event Action<ScoreUpdate>? Updated;

    public void Publish(ScoreUpdate update) => Updated?.Invoke(update);

    /// <summary>Tells the job service a job was queued.</summary>
    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
