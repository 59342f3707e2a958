namespace VaeWorkbench.Web.Runs;

/// <summary>One point of a loss curve, as Radzen's line series bind it.</summary>
public sealed record RunChartPoint(int Epoch, double Value);

public static class RunCurves
{
    public static List<RunChartPoint> Train(IEnumerable<EpochPoint> history) => history.Select(h => new RunChartPoint(h.Epoch, h.TrainLoss)).ToList();

    public static List<RunChartPoint> Validation(IEnumerable<EpochPoint> history) =>
        history.Where(h => h.ValLoss is not null).Select(h => new RunChartPoint(h.Epoch, h.ValLoss!.Value)).ToList();

    public static List<RunChartPoint> Reconstruction(IEnumerable<EpochPoint> history) => history.Select(h => new RunChartPoint(h.Epoch, h.Recon)).ToList();

    public static List<RunChartPoint> Kl(IEnumerable<EpochPoint> history) => history.Select(h => new RunChartPoint(h.Epoch, h.Kl)).ToList();

    public static EpochPoint ToPoint(Data.Entities.RunEpoch e) =>
        new(e.Epoch, e.TrainLoss, e.ValLoss, e.TrainRecon, e.TrainKl, e.ValRecon, e.ValKl, e.Seconds, e.ImagesPerSecond);
}
