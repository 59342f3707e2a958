-- Foundation: users, teams, memberships, invites and API tokens. Generated from the EF model (GenerateCreateScript).
CREATE TABLE "Teams" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Teams" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "IsPersonal" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE TABLE "Users" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Users" PRIMARY KEY,
    "CurrentTeamId" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UserName" TEXT NULL,
    "NormalizedUserName" TEXT NULL,
    "Email" TEXT NULL,
    "NormalizedEmail" TEXT NULL,
    "EmailConfirmed" INTEGER NOT NULL,
    "PasswordHash" TEXT NULL,
    "SecurityStamp" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL,
    "PhoneNumber" TEXT NULL,
    "PhoneNumberConfirmed" INTEGER NOT NULL,
    "TwoFactorEnabled" INTEGER NOT NULL,
    "LockoutEnd" INTEGER NULL,
    "LockoutEnabled" INTEGER NOT NULL,
    "AccessFailedCount" INTEGER NOT NULL
);

CREATE TABLE "TeamInvites" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_TeamInvites" PRIMARY KEY,
    "TeamId" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "CodeHash" TEXT NOT NULL,
    "CreatedByUserId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "RedeemedByUserId" TEXT NULL,
    "RedeemedAt" INTEGER NULL,
    CONSTRAINT "FK_TeamInvites_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ApiTokens" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ApiTokens" PRIMARY KEY,
    "UserId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "TokenHash" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastUsedAt" INTEGER NULL,
    "RevokedAt" INTEGER NULL,
    CONSTRAINT "FK_ApiTokens_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);

CREATE TABLE "TeamMembers" (
    "TeamId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "JoinedAt" INTEGER NOT NULL,
    CONSTRAINT "PK_TeamMembers" PRIMARY KEY ("TeamId", "UserId"),
    CONSTRAINT "FK_TeamMembers_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_TeamMembers_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_ApiTokens_TokenHash" ON "ApiTokens" ("TokenHash");

CREATE INDEX "IX_ApiTokens_UserId" ON "ApiTokens" ("UserId");

CREATE UNIQUE INDEX "IX_TeamInvites_CodeHash" ON "TeamInvites" ("CodeHash");

CREATE INDEX "IX_TeamInvites_TeamId" ON "TeamInvites" ("TeamId");

CREATE INDEX "IX_TeamMembers_UserId" ON "TeamMembers" ("UserId");

CREATE UNIQUE INDEX "IX_Users_NormalizedEmail" ON "Users" ("NormalizedEmail");

CREATE UNIQUE INDEX "IX_Users_NormalizedUserName" ON "Users" ("NormalizedUserName");

