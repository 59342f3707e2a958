namespace VaeWorkbench.Engine.Training;

/// <summary>
/// An epoch stopped between two batches (the run was asked to stop): the shuffled order the epoch uses, how many of
/// its batches are done and the loss sums so far. With the weights, optimizer and RNG state, this is everything the
/// rest of the epoch needs, so a checkpoint holding it resumes mid-epoch to exactly the uninterrupted result.
/// </summary>
public sealed record EpochProgress(int BatchesDone, int[] Order, double Reconstruction, double Kl, double Seconds);
