-- Imports hold their Importing dataset by a lease renewed by a heartbeat, so start-up fails only abandoned imports.
ALTER TABLE "Datasets" ADD "ImportLeaseExpiresAt" INTEGER NULL;
