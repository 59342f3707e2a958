using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace VaeWorkbench.Web.Components.Tests.Registry;

/// <summary>Registered models put straight into the test's database, with the rows a registration or import leaves.</summary>
internal static class RegistryData
{
    public const string MlpConfig = """{"architecture":"mlp","channels":1,"height":28,"width":28,"latent":20,"hidden":[400],"convWidths":[32,64],"convDense":256,"loss":"bernoulli","observationScale":0.1}""";

    public static string Metrics(int epochs, double valLoss = 101.25) =>
        JsonSerializer.Serialize(new { trainLoss = 99.5, trainRecon = 80.25, trainKl = 19.25, valLoss, valRecon = 82.0, valKl = 19.25, epochs, parameters = 652824, trainingSeconds = 12.5, stoppedEarly = false });

    /// <summary>The next version of <paramref name="name"/> in the user's shared team; from a run when one is given, else as an import.</summary>
    public static Task<int> AddVersionAsync(this WorkbenchTestContext test, SignedInUser user, string name, Guid? runId = null, Guid? datasetId = null,
        string[]? tags = null, int epochs = 20, DateTimeOffset? at = null) =>
        test.QueryAsync(async db =>
        {
            var model = await db.RegisteredModels.FirstOrDefaultAsync(m => m.TeamId == user.TeamId && m.Name == name);
            if (model is null)
            {
                model = new RegisteredModel { Id = Guid.NewGuid(), TeamId = user.TeamId, Name = name, CreatedByUserId = user.OwnerId, CreatedAt = DateTimeOffset.UtcNow };
                db.RegisteredModels.Add(model);
            }
            var number = 1 + (await db.ModelVersions.Where(v => v.RegisteredModelId == model.Id).MaxAsync(v => (int?)v.Version) ?? 0);
            db.ModelVersions.Add(new ModelVersion
            {
                Id = Guid.NewGuid(), RegisteredModelId = model.Id, Version = number, RunId = runId, DatasetId = datasetId,
                FileHash = "0000", FileBytes = 2_621_440, TagsJson = JsonSerializer.Serialize(tags ?? []), ConfigJson = MlpConfig,
                MetricsJson = Metrics(epochs), SampleGridHash = "0000", CreatedByUserId = user.OwnerId, CreatedAt = at ?? DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            return number;
        });
}
