namespace VaeWorkbench.Web.Data.Entities;

/// <summary>One finished epoch of a run: per-image losses in nats, split into reconstruction and KL.</summary>
public sealed class RunEpoch
{
    public Guid RunId { get; set; }

    public int Epoch { get; set; }

    public double TrainLoss { get; set; }

    public double TrainRecon { get; set; }

    public double TrainKl { get; set; }

    public double? ValLoss { get; set; }

    public double? ValRecon { get; set; }

    public double? ValKl { get; set; }

    public double Seconds { get; set; }

    public double ImagesPerSecond { get; set; }
}
