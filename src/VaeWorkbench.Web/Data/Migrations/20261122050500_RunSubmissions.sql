-- RunSubmissions: a run's idempotency key per user, so a repeated submission (double click, retry) creates one run.
CREATE TABLE "RunSubmissions" (
    "UserId" TEXT NOT NULL,
    "Key" TEXT NOT NULL,
    "RunId" TEXT NOT NULL,
    CONSTRAINT "PK_RunSubmissions" PRIMARY KEY ("UserId", "Key"),
    CONSTRAINT "FK_RunSubmissions_TrainingRuns_RunId" FOREIGN KEY ("RunId") REFERENCES "TrainingRuns" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_RunSubmissions_RunId" ON "RunSubmissions" ("RunId");
