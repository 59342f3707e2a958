-- Registry: named models with versions and aliases; the per-team append-only audit log.
CREATE TABLE "AuditEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditEntries" PRIMARY KEY AUTOINCREMENT,
    "TeamId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "Action" TEXT NOT NULL,
    "ObjectType" TEXT NOT NULL,
    "ObjectId" TEXT NOT NULL,
    "DetailsJson" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    CONSTRAINT "FK_AuditEntries_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE
);

CREATE TABLE "RegisteredModels" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RegisteredModels" PRIMARY KEY,
    "TeamId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "CreatedByUserId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_RegisteredModels_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ModelVersions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ModelVersions" PRIMARY KEY,
    "RegisteredModelId" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    "SourceModelId" TEXT NULL,
    "RunId" TEXT NULL,
    "DatasetId" TEXT NULL,
    "FileHash" TEXT NOT NULL,
    "FileBytes" INTEGER NOT NULL,
    "TagsJson" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "ConfigJson" TEXT NOT NULL,
    "MetricsJson" TEXT NOT NULL,
    "SampleGridHash" TEXT NOT NULL,
    "ReconstructionGridHash" TEXT NULL,
    "CreatedByUserId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_ModelVersions_RegisteredModels_RegisteredModelId" FOREIGN KEY ("RegisteredModelId") REFERENCES "RegisteredModels" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ModelVersions_TrainedModels_SourceModelId" FOREIGN KEY ("SourceModelId") REFERENCES "TrainedModels" ("Id") ON DELETE SET NULL
);

CREATE TABLE "ModelAliases" (
    "RegisteredModelId" TEXT NOT NULL,
    "Alias" TEXT NOT NULL,
    "VersionId" TEXT NOT NULL,
    "SetByUserId" TEXT NOT NULL,
    "SetAt" INTEGER NOT NULL,
    CONSTRAINT "PK_ModelAliases" PRIMARY KEY ("RegisteredModelId", "Alias"),
    CONSTRAINT "FK_ModelAliases_ModelVersions_VersionId" FOREIGN KEY ("VersionId") REFERENCES "ModelVersions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ModelAliases_RegisteredModels_RegisteredModelId" FOREIGN KEY ("RegisteredModelId") REFERENCES "RegisteredModels" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_AuditEntries_TeamId_Id" ON "AuditEntries" ("TeamId", "Id");

CREATE INDEX "IX_ModelAliases_VersionId" ON "ModelAliases" ("VersionId");

CREATE UNIQUE INDEX "IX_ModelVersions_RegisteredModelId_Version" ON "ModelVersions" ("RegisteredModelId", "Version");

CREATE INDEX "IX_ModelVersions_SourceModelId" ON "ModelVersions" ("SourceModelId");

CREATE UNIQUE INDEX "IX_RegisteredModels_TeamId_Name" ON "RegisteredModels" ("TeamId", "Name");
