namespace VaeWorkbench.Engine.Optim;

public enum LearningRateSchedule { Constant, Cosine }

public static class LearningRates
{
    /// <summary>The rate at step <paramref name="step"/> of <paramref name="totalSteps"/>: constant, or cosine from base to 0.</summary>
    public static float At(LearningRateSchedule schedule, float baseRate, long step, long totalSteps) => schedule switch
    {
        LearningRateSchedule.Cosine when totalSteps > 0 =>
            (float)(0.5 * baseRate * (1 + Math.Cos(Math.PI * Math.Min(step, totalSteps) / totalSteps))),
        _ => baseRate,
    };
}
