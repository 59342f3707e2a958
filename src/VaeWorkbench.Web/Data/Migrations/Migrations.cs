using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace VaeWorkbench.Web.Data.Migrations;

// Each migration is one SQL file, Data/Migrations/<id>.sql; add a class here for every new file, in order.

[DbContext(typeof(AppDbContext))]
[Migration("20261122000100_Initial")]
public sealed class Initial : SqlScriptMigration;

[DbContext(typeof(AppDbContext))]
[Migration("20261122010000_Workbench")]
public sealed class Workbench : SqlScriptMigration;

[DbContext(typeof(AppDbContext))]
[Migration("20261122020000_Inspection")]
public sealed class Inspection : SqlScriptMigration;

[DbContext(typeof(AppDbContext))]
[Migration("20261122030000_Augmentation")]
public sealed class Augmentation : SqlScriptMigration;

[DbContext(typeof(AppDbContext))]
[Migration("20261122040000_Registry")]
public sealed class Registry : SqlScriptMigration;

[DbContext(typeof(AppDbContext))]
[Migration("20261122050000_LatentSelection")]
public sealed class LatentSelection : SqlScriptMigration;

[DbContext(typeof(AppDbContext))]
[Migration("20261122050500_RunSubmissions")]
public sealed class IdempotentRuns : SqlScriptMigration;

[DbContext(typeof(AppDbContext))]
[Migration("20261122060000_ImportLease")]
public sealed class ImportLease : SqlScriptMigration;
