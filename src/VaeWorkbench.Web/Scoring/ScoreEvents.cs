namespace VaeWorkbench.Web.Scoring;

/// <summary>In-process fan-out of scoring progress to open pages (no browser polling), and the wake-up for the job service.</summary>
public sealed class ScoreEvents : Jobs.JobSignal
{
    public event Action<ScoreUpdate>? Updated;

    public void Publish(ScoreUpdate update) => Updated?.Invoke(update);
}
