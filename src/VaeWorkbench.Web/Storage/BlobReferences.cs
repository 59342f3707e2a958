using VaeWorkbench.Web.Data;

namespace VaeWorkbench.Web.Storage;

/// <summary>
/// Every column that names a blob, in one place: what start-up cleanup keeps, what the consistency check verifies, and
/// what deleting a dataset's files must not remove. A new column holding a blob hash belongs here.
/// </summary>
public static class BlobReferences
{
    /// <summary>The hashes of every blob the database refers to (with repeats; add Distinct where it matters).</summary>
    public static IQueryable<string> All(AppDbContext db) =>
        db.DatasetImages.Select(i => i.ContentHash)
            .Concat(db.Datasets.Where(d => d.TensorHash != null).Select(d => d.TensorHash!))
            .Concat(db.AugmentedImages.Select(i => i.ContentHash))
            .Concat(db.AugmentedSets.Select(s => s.ModelFileHash))
            .Concat(db.TrainedModels.Select(m => m.FileHash))
            .Concat(db.TrainingRuns.Where(r => r.FinalReconstructionHash != null).Select(r => r.FinalReconstructionHash!))
            .Concat(db.ModelVersions.Select(v => v.FileHash))
            .Concat(db.ModelVersions.Select(v => v.SampleGridHash))
            .Concat(db.ModelVersions.Where(v => v.ReconstructionGridHash != null).Select(v => v.ReconstructionGridHash!));
}
