-- Augmentation: generated image sets with provenance, and their images.
CREATE TABLE "AugmentedSets" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AugmentedSets" PRIMARY KEY,
    "TeamId" TEXT NOT NULL,
    "ModelId" TEXT NOT NULL,
    "ModelFileHash" TEXT NOT NULL,
    "DatasetId" TEXT NOT NULL,
    "Mode" TEXT NOT NULL,
    "ParametersJson" TEXT NOT NULL,
    "Seed" INTEGER NOT NULL,
    "FilterJson" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Requested" INTEGER NOT NULL,
    "Generated" INTEGER NOT NULL,
    "Kept" INTEGER NOT NULL,
    "Error" TEXT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseExpiresAt" INTEGER NULL,
    "CreatedByUserId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "StartedAt" INTEGER NULL,
    "FinishedAt" INTEGER NULL,
    CONSTRAINT "FK_AugmentedSets_Datasets_DatasetId" FOREIGN KEY ("DatasetId") REFERENCES "Datasets" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_AugmentedSets_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_AugmentedSets_TrainedModels_ModelId" FOREIGN KEY ("ModelId") REFERENCES "TrainedModels" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "AugmentedImages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AugmentedImages" PRIMARY KEY AUTOINCREMENT,
    "SetId" TEXT NOT NULL,
    "Index" INTEGER NOT NULL,
    "Label" INTEGER NULL,
    "ContentHash" TEXT NOT NULL,
    "Score" REAL NULL,
    CONSTRAINT "FK_AugmentedImages_AugmentedSets_SetId" FOREIGN KEY ("SetId") REFERENCES "AugmentedSets" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_AugmentedImages_ContentHash" ON "AugmentedImages" ("ContentHash");
CREATE UNIQUE INDEX "IX_AugmentedImages_SetId_Index" ON "AugmentedImages" ("SetId", "Index");
CREATE INDEX "IX_AugmentedSets_DatasetId" ON "AugmentedSets" ("DatasetId");
CREATE INDEX "IX_AugmentedSets_ModelId" ON "AugmentedSets" ("ModelId");
CREATE INDEX "IX_AugmentedSets_Status_CreatedAt" ON "AugmentedSets" ("Status", "CreatedAt");
CREATE INDEX "IX_AugmentedSets_TeamId_CreatedAt" ON "AugmentedSets" ("TeamId", "CreatedAt");
