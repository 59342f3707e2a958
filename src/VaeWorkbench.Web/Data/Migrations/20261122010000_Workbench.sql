-- Workbench: datasets and their images, training runs with per-epoch history, trained models.
CREATE TABLE "Datasets" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Datasets" PRIMARY KEY,
    "TeamId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "ImageSize" INTEGER NOT NULL,
    "Channels" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "ImageCount" INTEGER NOT NULL,
    "ClassNamesJson" TEXT NOT NULL,
    "ImportReportJson" TEXT NOT NULL,
    "Error" TEXT NULL,
    "TensorHash" TEXT NULL,
    "CreatedByUserId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "DeletedAt" INTEGER NULL,
    CONSTRAINT "FK_Datasets_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE
);

CREATE TABLE "DatasetImages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DatasetImages" PRIMARY KEY AUTOINCREMENT,
    "DatasetId" TEXT NOT NULL,
    "Index" INTEGER NOT NULL,
    "Label" INTEGER NULL,
    "OriginalName" TEXT NOT NULL,
    "ContentHash" TEXT NOT NULL,
    CONSTRAINT "FK_DatasetImages_Datasets_DatasetId" FOREIGN KEY ("DatasetId") REFERENCES "Datasets" ("Id") ON DELETE CASCADE
);

CREATE TABLE "TrainingRuns" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_TrainingRuns" PRIMARY KEY,
    "TeamId" TEXT NOT NULL,
    "DatasetId" TEXT NOT NULL,
    "SettingsJson" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Epoch" INTEGER NOT NULL,
    "Epochs" INTEGER NOT NULL,
    "Error" TEXT NULL,
    "CancelRequested" INTEGER NOT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseExpiresAt" INTEGER NULL,
    "CreatedByUserId" TEXT NOT NULL,
    "QueueOrder" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "StartedAt" INTEGER NULL,
    "FinishedAt" INTEGER NULL,
    CONSTRAINT "FK_TrainingRuns_Datasets_DatasetId" FOREIGN KEY ("DatasetId") REFERENCES "Datasets" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_TrainingRuns_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE
);

CREATE TABLE "RunEpochs" (
    "RunId" TEXT NOT NULL,
    "Epoch" INTEGER NOT NULL,
    "TrainLoss" REAL NOT NULL,
    "TrainRecon" REAL NOT NULL,
    "TrainKl" REAL NOT NULL,
    "ValLoss" REAL NULL,
    "ValRecon" REAL NULL,
    "ValKl" REAL NULL,
    "Seconds" REAL NOT NULL,
    "ImagesPerSecond" REAL NOT NULL,
    CONSTRAINT "PK_RunEpochs" PRIMARY KEY ("RunId", "Epoch"),
    CONSTRAINT "FK_RunEpochs_TrainingRuns_RunId" FOREIGN KEY ("RunId") REFERENCES "TrainingRuns" ("Id") ON DELETE CASCADE
);

CREATE TABLE "TrainedModels" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_TrainedModels" PRIMARY KEY,
    "TeamId" TEXT NOT NULL,
    "RunId" TEXT NOT NULL,
    "DatasetId" TEXT NOT NULL,
    "ConfigJson" TEXT NOT NULL,
    "MetricsJson" TEXT NOT NULL,
    "FileHash" TEXT NOT NULL,
    "FileBytes" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_TrainedModels_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_TrainedModels_TrainingRuns_RunId" FOREIGN KEY ("RunId") REFERENCES "TrainingRuns" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_DatasetImages_ContentHash" ON "DatasetImages" ("ContentHash");

CREATE UNIQUE INDEX "IX_DatasetImages_DatasetId_Index" ON "DatasetImages" ("DatasetId", "Index");

CREATE INDEX "IX_DatasetImages_DatasetId_Label" ON "DatasetImages" ("DatasetId", "Label");

CREATE INDEX "IX_Datasets_TeamId_CreatedAt" ON "Datasets" ("TeamId", "CreatedAt");

CREATE UNIQUE INDEX "IX_TrainedModels_RunId" ON "TrainedModels" ("RunId");

CREATE INDEX "IX_TrainedModels_TeamId" ON "TrainedModels" ("TeamId");

CREATE INDEX "IX_TrainingRuns_DatasetId" ON "TrainingRuns" ("DatasetId");

CREATE INDEX "IX_TrainingRuns_Status_QueueOrder" ON "TrainingRuns" ("Status", "QueueOrder");

CREATE INDEX "IX_TrainingRuns_TeamId_CreatedAt" ON "TrainingRuns" ("TeamId", "CreatedAt");
