// Window-only functions: ranking, offsets and nth_value. They have no kernel of
// their own here: the analyzer binds a call with its window (analyzer/window.cc)
// and the Window operator computes it (exec/window.cc). Aggregates (sum, count,
// ...) also run over windows, through their accumulators.
#include "functions/function_registry.h"

namespace sk8::functions {
namespace {

FunctionInfo Window(std::string name, plan::WindowFunctionKind kind, std::string pretty_name, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kWindow;
  info.window_kind = kind;
  info.pretty_name = std::move(pretty_name);
  info.usage = std::move(usage);
  return info;
}

}  // namespace

void RegisterWindowFunctions(FunctionRegistry& registry) {
  using K = plan::WindowFunctionKind;
  registry.Add(Window("row_number", K::kRowNumber, "",
                      "row_number() - Assigns a unique, sequential number to each row, starting with one, according "
                      "to the ordering of rows within the window partition."));
  registry.Add(Window("rank", K::kRank, "RANK",
                      "rank() - Computes the rank of a value in a group of values. Ties get the same rank and leave "
                      "gaps in the sequence."));
  registry.Add(Window("dense_rank", K::kDenseRank, "DENSE_RANK",
                      "dense_rank() - Computes the rank of a value in a group of values, without gaps after ties."));
  registry.Add(Window("percent_rank", K::kPercentRank, "PERCENT_RANK",
                      "percent_rank() - Computes the percentage ranking of a value in a group of values."));
  registry.Add(Window("cume_dist", K::kCumeDist, "",
                      "cume_dist() - Computes the position of a value relative to all values in the partition."));
  registry.Add(Window("ntile", K::kNtile, "",
                      "ntile(n) - Divides the rows for each window partition into `n` buckets ranging from 1 to at "
                      "most `n`."));
  registry.Add(Window("lag", K::kLag, "",
                      "lag(input[, offset[, default]]) - Returns the value of `input` at the `offset`th row before "
                      "the current row in the window, or `default` beyond the partition."));
  registry.Add(Window("lead", K::kLag, "",
                      "lead(input[, offset[, default]]) - Returns the value of `input` at the `offset`th row after "
                      "the current row in the window, or `default` beyond the partition."));
  registry.Add(Window("nth_value", K::kNthValue, "",
                      "nth_value(input[, offset]) - Returns the value of `input` at the row that is the `offset`th "
                      "row from beginning of the window frame."));
}

}  // namespace sk8::functions
