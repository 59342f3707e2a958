namespace VaeWorkbench.Engine.Training;

/// <summary>
/// One epoch's figures. Losses are per image in nats (recon + KL, β not applied); validation figures are null
/// when there is no validation set. Seconds cover the training pass only, not the validation pass.
/// </summary>
public sealed record EpochReport(
    int Epoch,
    double TrainLoss,
    double TrainReconstruction,
    double TrainKl,
    double? ValidationLoss,
    double? ValidationReconstruction,
    double? ValidationKl,
    double EpochSeconds,
    double ImagesPerSecond,
    float LearningRate,
    float Beta);

/// <summary>Training stopped because the loss became NaN or infinite; continuing would only spread it through the weights.</summary>
public sealed class TrainingDivergedException(string message) : InvalidOperationException(message);
