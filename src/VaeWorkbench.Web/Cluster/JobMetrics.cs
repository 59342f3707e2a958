using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Cluster;

/// <summary>
/// The job queues' instruments (exported at <c>/metrics</c>). Queue depth is the cluster's, read from the database at
/// each scrape, so every node reports the same figure (aggregate with max, not sum); running jobs, durations and
/// training images are this process's own.
/// </summary>
public sealed class JobMetrics
{
    public const string MeterName = "VaeWorkbench.Jobs";

    private readonly UpDownCounter<int> _running;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _trainedImages;
    private readonly Histogram<double> _imagesPerSecond;

    public JobMetrics(IMeterFactory meters, IDbContextFactory<AppDbContext> contexts, ILogger<JobMetrics> logger)
    {
        var meter = meters.Create(MeterName);
        _running = meter.CreateUpDownCounter<int>("vae.jobs.running", "{job}", "Jobs this process is running now, by queue.");
        _duration = meter.CreateHistogram<double>("vae.job.duration", "s", "Wall time of one claim of a job on this process, by queue and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });
        _trainedImages = meter.CreateCounter<long>("vae.training.images", "{image}", "Images trained on by this process (rate() is images per second).");
        _imagesPerSecond = meter.CreateHistogram<double>("vae.training.epoch_images_per_second", "{image}/s", "Training speed of each finished epoch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000] });
        meter.CreateObservableGauge("vae.jobs.queued", () => QueueDepth(contexts, logger), "{job}", "Jobs waiting in each queue, cluster-wide.");
    }

    /// <summary>Counts a claimed job as running until the returned scope ends with its outcome.</summary>
    public RunningJob Start(string queue) => new(this, queue);

    public void EpochTrained(int images, double imagesPerSecond)
    {
        _trainedImages.Add(images);
        if (imagesPerSecond > 0) _imagesPerSecond.Record(imagesPerSecond);
    }

    private static IEnumerable<Measurement<long>> QueueDepth(IDbContextFactory<AppDbContext> contexts, ILogger logger)
    {
        try
        {
            using var db = contexts.CreateDbContext();
            return
            [
                new(db.TrainingRuns.LongCount(r => r.Status == RunStatus.Queued), new KeyValuePair<string, object?>("queue", JobQueueNames.Training)),
                new(db.ScoreJobs.LongCount(j => j.Status == ScoreJobStatus.Queued), new KeyValuePair<string, object?>("queue", JobQueueNames.Scoring)),
                new(db.AugmentedSets.LongCount(s => s.Status == AugmentedStatus.Queued), new KeyValuePair<string, object?>("queue", JobQueueNames.Generation)),
                new(db.Datasets.LongCount(d => d.Status == DatasetStatus.Queued), new KeyValuePair<string, object?>("queue", JobQueueNames.Import)),
            ];
        }
        catch (Exception e)
        {
            // An unreachable database leaves the gauge out of this scrape rather than failing the whole endpoint.
            logger.LogWarning(e, "Queue depth could not be read for /metrics");
            return [];
        }
    }

    public sealed class RunningJob : IDisposable
    {
        private readonly JobMetrics _metrics;
        private readonly string _queue;
        private readonly long _started = Stopwatch.GetTimestamp();
        private bool _ended;

        internal RunningJob(JobMetrics metrics, string queue)
        {
            _metrics = metrics;
            _queue = queue;
            metrics._running.Add(1, new KeyValuePair<string, object?>("queue", queue));
        }

        /// <summary>Records the claim's duration with its outcome (succeeded, failed, cancelled, released, lease_lost, database_lost, error).</summary>
        public void End(string outcome)
        {
            if (_ended) return;
            _ended = true;
            _metrics._running.Add(-1, new KeyValuePair<string, object?>("queue", _queue));
            _metrics._duration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds,
                new KeyValuePair<string, object?>("queue", _queue), new KeyValuePair<string, object?>("outcome", outcome));
        }

        public void Dispose() => End("error");
    }
}

/// <summary>The queue label of each job queue in metrics.</summary>
public static class JobQueueNames
{
    public const string Training = "training";
    public const string Scoring = "scoring";
    public const string Generation = "generation";
    public const string Import = "import";
}
