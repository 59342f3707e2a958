using System.Text.Json;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>
/// The optional quality filter: a negative-ELBO percentile ceiling and/or a minimum L2 distance to training images.
/// <see cref="Balance"/>: none (default), sameShare (every class loses the same share) or topUp (generate more until
/// each class reaches its share of the count, drawing at most <see cref="MaxAttempts"/> samples; default 4× the count).
/// </summary>
public sealed record GenerateFilterRequest(double? MaxElboPercentile = null, float? MinDistance = null, string? Space = null,
    string? Balance = null, int? MaxAttempts = null);

/// <summary>
/// <c>POST /api/models/{id}/generate</c>. Mode: prior | variations | perClass | interpolate. <see cref="ImageIds"/> are
/// source-dataset image indices (variations); <see cref="Classes"/> are class names (perClass, interpolate, and prior for
/// a conditional model). <see cref="CountPerClass"/>, instead of <see cref="Count"/>, asks for that many images of each
/// class (those in <see cref="Classes"/>, or all of the dataset's), in the perClass mode and a conditional model's prior
/// mode; a conditional model draws every class's images at that class, and variations at each source image's class.
/// </summary>
public sealed record GenerateRequest(
    string? Mode = "prior", int Count = 100, float? Temperature = null, float? Spread = null, long? Seed = null,
    List<int>? ImageIds = null, List<string>? Classes = null, GenerateFilterRequest? Filter = null, int? CountPerClass = null);

public sealed record GenerateAccepted(Guid AugmentedId);

/// <summary>What a set records about how it was made; the API and the export's provenance.json show it.</summary>
public sealed record AugmentedProvenance(
    Guid ModelId, string ModelFileHash, Guid RunId, Guid DatasetId, string DatasetName, string Mode, JsonElement Parameters,
    long Seed, JsonElement Filter, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    int Requested, int Generated, int Kept, FilterOutcome? FilterReport = null, ClassFidelityReport? ClassFidelity = null);

/// <summary>
/// Class fidelity of a set: the share of its labelled images that a classifier trained on the dataset's real images
/// (the judge) assigns to the class they were generated for, overall and per class, with the judge's accuracy on real
/// images it did not train on (<see cref="JudgeTestImages"/> of them).
/// </summary>
public sealed record ClassFidelityReport(double Overall, int Images, double JudgeAccuracy, int JudgeTestImages, string Judge, List<ClassFidelityShare> PerClass);

public sealed record ClassFidelityShare(string Class, int Images, double Fidelity);

/// <summary>What the quality filter did to one class of a set ("unlabeled" for samples without one).</summary>
public sealed record ClassRemoval(string Class, int Target, int Generated, int RemovedByFilter, int RemovedForBalance, int Kept);

/// <summary>
/// The quality filter's report, stored with the set once it is generated: per class what was generated, removed by the
/// filter, removed (or not kept) to keep the balance, and kept; for a top-up, the samples drawn and whether its bound stopped it.
/// </summary>
public sealed record FilterOutcome(string Balance, int Attempts, int? MaxAttempts, bool BoundHit, string? Message, List<ClassRemoval> Classes);

public sealed record AugmentedSummary(Guid Id, AugmentedStatus Status, int Count, List<ClassCount> Classes, AugmentedProvenance Provenance, string? Error,
    string Name = "", IReadOnlyList<string>? Tags = null, string Notes = "")
{
    /// <summary>The same as <see cref="AugmentedProvenance.ClassFidelity"/>, at the top for clients that want only it.</summary>
    public ClassFidelityReport? ClassFidelity => Provenance.ClassFidelity;
}

/// <summary>
/// A page of a team's augmented sets for a grid: <see cref="SortBy"/> is created, dataset, mode, seed, status or kept;
/// <see cref="Search"/> matches the source dataset's name, the mode or the creator's email.
/// </summary>
public sealed record AugmentedSetQuery(int Skip = 0, int Take = 25, string? SortBy = null, bool Descending = true, string? Search = null, AugmentedStatus? Status = null, string? Tag = null);

public sealed record AugmentedSetPage(int Total, IReadOnlyList<AugmentedSummary> Items);

public sealed record AugmentedImageItem(int Index, int? Label, string? ClassName, double? Score);

public sealed record AugmentedImagePage(int Total, int Skip, int Take, IReadOnlyList<AugmentedImageItem> Items);

/// <summary>Live progress of a generation job, for open pages.</summary>
public sealed record AugmentationUpdate(Guid SetId, AugmentedStatus Status, int Requested, int Generated, int Kept, string? Error = null);

/// <summary>
/// The stored parameters (ParametersJson), in the form the engine request is rebuilt from. <see cref="CountPerClass"/>
/// is what was asked for per class (Count is then that times the classes); <see cref="Conditional"/> says the model
/// decoded each sample at its class. Both are absent from sets made before they existed.
/// </summary>
public sealed record AugmentationParameters(int Count, float Temperature, float Spread, List<int>? ImageIndices, List<string>? Classes, List<int>? ClassLabels,
    int? CountPerClass = null, bool Conditional = false);

/// <summary>The stored filter (FilterJson); <see cref="ElboThreshold"/> is filled in by the job once measured.</summary>
public sealed record AugmentationFilterSettings(double? MaxElboPercentile, float? MinDistance, string Space, int ReferenceLimit, double? ElboThreshold = null,
    string Balance = "none", int? MaxAttempts = null, FilterOutcome? Outcome = null);

public sealed record MergeRequest(string? Name = null);

public sealed record MergeResult(Guid DatasetId);
