#pragma once

#include "plan/resolved_plan.h"

/// Row-count estimates for join ordering and build-side choice. Sources: the
/// row counts of Parquet footers (kFileScan::file_rows), local tables and
/// ranges; fixed selectivities for filters (Spark's defaults where it has them,
/// without column statistics); joins estimated as |A| * |B| / distinct(key),
/// where a key's distinct count is the row count of the table it comes from
/// (a key is usually unique in its own table: primary key to foreign key).
namespace sk8::optimizer {

/// Estimated output rows of `node`.
double EstimateRows(const plan::ResolvedPlan& node);

/// Rows of the table (or leaf) that column `id` of `node` comes from, the
/// domain of a key column; -1 when the column is computed.
double EstimateSourceRows(const plan::ResolvedPlan& node, plan::ColumnId id);

/// Estimated fraction of rows that `condition` keeps.
double EstimateSelectivity(const plan::BoundExpr& condition);

}  // namespace sk8::optimizer
