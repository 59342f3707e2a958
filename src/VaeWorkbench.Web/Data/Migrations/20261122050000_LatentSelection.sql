-- Latent map selections: free-text tags on dataset images, and images sent to a score job's review queue by hand.
CREATE TABLE "ImageTags" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ImageTags" PRIMARY KEY AUTOINCREMENT,
    "DatasetId" TEXT NOT NULL,
    "DatasetImageId" INTEGER NOT NULL,
    "Tag" TEXT NOT NULL,
    "TaggedByUserId" TEXT NOT NULL,
    "TaggedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_ImageTags_DatasetImages_DatasetImageId" FOREIGN KEY ("DatasetImageId") REFERENCES "DatasetImages" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ImageTags_Datasets_DatasetId" FOREIGN KEY ("DatasetId") REFERENCES "Datasets" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ReviewQueueItems" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReviewQueueItems" PRIMARY KEY AUTOINCREMENT,
    "ScoreJobId" TEXT NOT NULL,
    "DatasetImageId" INTEGER NOT NULL,
    "Reason" TEXT NULL,
    "QueuedByUserId" TEXT NOT NULL,
    "QueuedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_ReviewQueueItems_DatasetImages_DatasetImageId" FOREIGN KEY ("DatasetImageId") REFERENCES "DatasetImages" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ReviewQueueItems_ScoreJobs_ScoreJobId" FOREIGN KEY ("ScoreJobId") REFERENCES "ScoreJobs" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_ImageTags_DatasetId_Tag" ON "ImageTags" ("DatasetId", "Tag");

CREATE UNIQUE INDEX "IX_ImageTags_DatasetImageId_Tag" ON "ImageTags" ("DatasetImageId", "Tag");

CREATE INDEX "IX_ReviewQueueItems_DatasetImageId" ON "ReviewQueueItems" ("DatasetImageId");

CREATE UNIQUE INDEX "IX_ReviewQueueItems_ScoreJobId_DatasetImageId" ON "ReviewQueueItems" ("ScoreJobId", "DatasetImageId");
