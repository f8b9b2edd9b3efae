// The database clock as the schema keeps time, for SQL text: the columns are
// `timestamp(3)` without a zone holding UTC (the old Prisma schema's
// mapping), so a statement writes now() converted to UTC. Used inside SQL
// string literals: "... updated_at = " WH_SQL_NOW " ...".
#pragma once

#define WH_SQL_NOW "(now() AT TIME ZONE 'UTC')"
