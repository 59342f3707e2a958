-- Anomaly scoring jobs, per-image scores and review decisions (issue 6).

CREATE TABLE "ScoreJobs" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ScoreJobs" PRIMARY KEY,
    "TeamId" TEXT NOT NULL,
    "ModelId" TEXT NOT NULL,
    "DatasetId" TEXT NOT NULL,
    "Method" TEXT NOT NULL,
    "K" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "Progress" REAL NOT NULL,
    "Error" TEXT NULL,
    "ThresholdMode" TEXT NOT NULL,
    "ThresholdValue" REAL NOT NULL,
    "NormalClassesJson" TEXT NOT NULL,
    "Auroc" REAL NULL,
    "AveragePrecision" REAL NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseExpiresAt" INTEGER NULL,
    "CreatedByUserId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "StartedAt" INTEGER NULL,
    "FinishedAt" INTEGER NULL,
    CONSTRAINT "FK_ScoreJobs_Datasets_DatasetId" FOREIGN KEY ("DatasetId") REFERENCES "Datasets" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ScoreJobs_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ScoreJobs_TrainedModels_ModelId" FOREIGN KEY ("ModelId") REFERENCES "TrainedModels" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ImageScores" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ImageScores" PRIMARY KEY AUTOINCREMENT,
    "ScoreJobId" TEXT NOT NULL,
    "DatasetImageId" INTEGER NOT NULL,
    "ImageIndex" INTEGER NOT NULL,
    "Label" INTEGER NULL,
    "Score" REAL NOT NULL,
    CONSTRAINT "FK_ImageScores_DatasetImages_DatasetImageId" FOREIGN KEY ("DatasetImageId") REFERENCES "DatasetImages" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ImageScores_ScoreJobs_ScoreJobId" FOREIGN KEY ("ScoreJobId") REFERENCES "ScoreJobs" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ReviewDecisions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReviewDecisions" PRIMARY KEY AUTOINCREMENT,
    "ScoreJobId" TEXT NOT NULL,
    "DatasetImageId" INTEGER NOT NULL,
    "Decision" TEXT NOT NULL,
    "Note" TEXT NULL,
    "ReviewerUserId" TEXT NOT NULL,
    "DecidedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_ReviewDecisions_DatasetImages_DatasetImageId" FOREIGN KEY ("DatasetImageId") REFERENCES "DatasetImages" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ReviewDecisions_ScoreJobs_ScoreJobId" FOREIGN KEY ("ScoreJobId") REFERENCES "ScoreJobs" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_ImageScores_DatasetImageId" ON "ImageScores" ("DatasetImageId");

CREATE UNIQUE INDEX "IX_ImageScores_ScoreJobId_DatasetImageId" ON "ImageScores" ("ScoreJobId", "DatasetImageId");

CREATE UNIQUE INDEX "IX_ImageScores_ScoreJobId_ImageIndex" ON "ImageScores" ("ScoreJobId", "ImageIndex");

CREATE INDEX "IX_ReviewDecisions_DatasetImageId" ON "ReviewDecisions" ("DatasetImageId");

CREATE INDEX "IX_ReviewDecisions_ReviewerUserId" ON "ReviewDecisions" ("ReviewerUserId");

CREATE UNIQUE INDEX "IX_ReviewDecisions_ScoreJobId_DatasetImageId" ON "ReviewDecisions" ("ScoreJobId", "DatasetImageId");

CREATE INDEX "IX_ScoreJobs_DatasetId" ON "ScoreJobs" ("DatasetId");

CREATE INDEX "IX_ScoreJobs_ModelId_CreatedAt" ON "ScoreJobs" ("ModelId", "CreatedAt");

CREATE INDEX "IX_ScoreJobs_Status_CreatedAt" ON "ScoreJobs" ("Status", "CreatedAt");

CREATE INDEX "IX_ScoreJobs_TeamId" ON "ScoreJobs" ("TeamId");
