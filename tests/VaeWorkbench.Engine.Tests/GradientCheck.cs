using VaeWorkbench.Engine.Layers;

namespace VaeWorkbench.Engine.Tests;

/// <summary>Central finite differences of L = Σ r·y against a layer's Backward, for the input and every parameter.</summary>
internal static class GradientCheck
{
    /// <summary>Random values kept at least 0.1 away from 0, so kinked activations are not probed across their kink.</summary>
    public static float[] AwayFromZero(Rng rng, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var magnitude = 0.1f + rng.NextFloat();
            values[i] = rng.NextFloat() < 0.5f ? -magnitude : magnitude;
        }
        return values;
    }

    public static void Layer(Layer layer, int batch, ulong seed, float step = 1e-2f, double tolerance = 1e-2, bool initialize = true)
    {
        var rng = new Rng(seed);
        if (initialize) layer.Initialize(rng);
        var x = AwayFromZero(rng, batch * layer.InputSize);
        var r = new float[batch * layer.OutputSize];
        rng.FillGaussian(r);

        layer.Forward(x, batch);
        var dx = (float[])layer.Backward((float[])r.Clone(), batch).Clone();
        var paramGrads = layer.Parameters.Select(p => (float[])p.Grad.Clone()).ToList();

        double Loss()
        {
            var y = layer.Forward(x, batch);
            double sum = 0;
            for (var i = 0; i < r.Length; i++) sum += (double)r[i] * y[i];
            return sum;
        }

        for (var i = 0; i < x.Length; i++)
        {
            var numeric = Central(ref x[i], step, Loss);
            AssertClose(numeric, dx[i], tolerance, $"{layer.GetType().Name} dx[{i}]");
        }
        for (var p = 0; p < layer.Parameters.Count; p++)
        {
            var parameter = layer.Parameters[p];
            for (var i = 0; i < parameter.Size; i++)
            {
                var numeric = Central(ref parameter.Value[i], step, Loss);
                AssertClose(numeric, paramGrads[p][i], tolerance, $"{parameter.Name}[{i}]");
            }
        }
    }

    public static double Central(ref float value, float step, Func<double> loss)
    {
        var saved = value;
        value = saved + step;
        var plus = loss();
        value = saved - step;
        var minus = loss();
        value = saved;
        return (plus - minus) / (2.0 * step);
    }

    public static void AssertClose(double expected, double actual, double tolerance, string what)
    {
        var scale = Math.Max(1.0, Math.Max(Math.Abs(expected), Math.Abs(actual)));
        Assert.True(Math.Abs(expected - actual) <= tolerance * scale, $"{what}: finite difference {expected}, backward {actual}");
    }
}
