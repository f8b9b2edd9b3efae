// GET /api/super-admin/backup (super_admin only): how the database is
// backed up, instead of the old route's on-demand JSON dump to R2 (this
// server takes no backup itself; docs/backup.md is the runbook):
//   {success, message, location, data: {takenByServer: false,
//    pointInTimeRestore: {provider "Neon", window (BACKUP_PITR_WINDOW, null
//    when not set), how},
//    logicalDump: {tool "pg_dump", serverVersion, majorVersion (the
//    pg_dump/pg_restore major version to use), connection (which variable:
//    DIRECT_URL when set), command, restore},
//    lastRecorded: {id, kind, takenAt, location, sizeBytes, note} | null
//    (the newest wh_backups row, migrations/0021), recorded (how many),
//    recordWith (the INSERT the runbook ends with), runbook}}
// One statement; no connection string or credential is ever shown.
#pragma once
#include "web/router.h"

namespace wh::admin {

void register_super_admin_backup_route(web::Router& router);

}  // namespace wh::admin
