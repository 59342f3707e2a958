namespace VaeWorkbench.Web.Runs;

/// <summary>One point of a curve over epochs.</summary>
public sealed record RunChartPoint(int Epoch, double Value);

/// <summary>A named curve for <c>LineChart</c>; the name is its legend entry.</summary>
public sealed record ChartLine(string Name, IReadOnlyList<RunChartPoint> Points);

public static class RunCurves
{
    public static List<RunChartPoint> Train(IEnumerable<EpochPoint> history) => history.Select(h => new RunChartPoint(h.Epoch, h.TrainLoss)).ToList();

    public static List<RunChartPoint> Validation(IEnumerable<EpochPoint> history) =>
        history.Where(h => h.ValLoss is not null).Select(h => new RunChartPoint(h.Epoch, h.ValLoss!.Value)).ToList();

    public static List<RunChartPoint> Reconstruction(IEnumerable<EpochPoint> history) => history.Select(h => new RunChartPoint(h.Epoch, h.Recon)).ToList();

    public static List<RunChartPoint> ValidationReconstruction(IEnumerable<EpochPoint> history) =>
        history.Where(h => h.ValRecon is not null).Select(h => new RunChartPoint(h.Epoch, h.ValRecon!.Value)).ToList();

    public static List<RunChartPoint> Kl(IEnumerable<EpochPoint> history) => history.Select(h => new RunChartPoint(h.Epoch, h.Kl)).ToList();

    public static List<RunChartPoint> ValidationKl(IEnumerable<EpochPoint> history) =>
        history.Where(h => h.ValKl is not null).Select(h => new RunChartPoint(h.Epoch, h.ValKl!.Value)).ToList();

    /// <summary>The train curve and, when the run holds images out, the validation curve; empty curves are left out.</summary>
    public static List<ChartLine> TrainAndValidation(List<RunChartPoint> train, List<RunChartPoint> validation) =>
        validation.Count > 0 ? [new("Train", train), new("Validation", validation)] : [new("Train", train)];

    public static EpochPoint ToPoint(Data.Entities.RunEpoch e) =>
        new(e.Epoch, e.TrainLoss, e.ValLoss, e.TrainRecon, e.TrainKl, e.ValRecon, e.ValKl, e.Seconds, e.ImagesPerSecond);
}
