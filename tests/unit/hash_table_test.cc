// The hash table of aggregation and joins, checked against std::map over the
// same keys: all-NULL keys, NaN / -0.0, skewed keys, millions of groups
// (resizes), empty and long strings, mixed multi-column keys, nested keys,
// merging partial tables, and GROUP BY through the executor on 1 and 4 threads.
#include <gtest/gtest.h>

#include <arrow/api.h>
#include <arrow/json/from_string.h>

#include <cmath>
#include <map>
#include <unordered_map>
#include <random>
#include <set>

#include "exec/hash_table.h"
#include "plan_builders.h"

namespace sk8 {
namespace {

using exec::HashTable;
using testing::Call;
using testing::Col;
using testing::Lit;
using ArrayVector = std::vector<std::shared_ptr<arrow::Array>>;

std::unique_ptr<HashTable> MakeTable(const ArrayVector& keys) {
  std::vector<std::shared_ptr<arrow::DataType>> types;
  for (const auto& k : keys) types.push_back(k->type());
  auto table = HashTable::Make(types, arrow::default_memory_pool());
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  return std::move(table).ValueOrDie();
}

/// Inserts `keys` in slices of `batch` rows; the group id of every row.
std::vector<uint32_t> Insert(HashTable& table, const ArrayVector& keys, int64_t batch = 65536) {
  const int64_t n = keys[0]->length();
  std::vector<uint32_t> ids(n);
  for (int64_t start = 0; start < n; start += batch) {
    const int64_t length = std::min(batch, n - start);
    ArrayVector slice;
    for (const auto& k : keys) slice.push_back(k->Slice(start, length));
    auto status = table.FindOrInsert(slice, length, ids.data() + start);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  return ids;
}

std::string RowString(const ArrayVector& columns, int64_t row) {
  std::string out;
  for (const auto& c : columns) out += c->GetScalar(row).ValueOrDie()->ToString() + "|";
  return out;
}

/// Rows with the same group have the same reference key, and different groups
/// different ones; the decoded keys of each group print as its rows' keys.
void ExpectGroupsMatch(const HashTable& table, const ArrayVector& keys, const std::vector<uint32_t>& ids,
                       const std::function<std::string(int64_t)>& reference) {
  std::map<std::string, uint32_t> groups;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto [it, inserted] = groups.emplace(reference(static_cast<int64_t>(i)), ids[i]);
    ASSERT_EQ(it->second, ids[i]) << "row " << i;
  }
  ASSERT_EQ(groups.size(), table.num_groups());
  auto decoded = table.Keys().ValueOrDie();
  ASSERT_EQ(decoded.size(), keys.size());
  for (const auto& column : decoded) ASSERT_EQ(column->length(), table.num_groups());
  std::vector<int64_t> first_row(table.num_groups(), -1);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (first_row[ids[i]] < 0) first_row[ids[i]] = static_cast<int64_t>(i);
  }
  for (uint32_t g = 0; g < table.num_groups(); ++g) {
    ASSERT_TRUE(decoded[0]->ValidateFull().ok());
    ASSERT_EQ(RowString(decoded, g), RowString(keys, first_row[g])) << "group " << g;
  }
}

TEST(HashTable, AllNullKeysAreOneGroup) {
  std::vector<std::optional<int64_t>> longs(1000);
  std::vector<std::optional<std::string>> strings(1000);
  ArrayVector keys = {testing::ArrayOf<arrow::Int64Builder>(longs), testing::ArrayOf<arrow::StringBuilder>(strings),
                      arrow::MakeArrayOfNull(arrow::null(), 1000).ValueOrDie()};
  auto table = MakeTable(keys);
  auto ids = Insert(*table, keys, 300);
  for (uint32_t id : ids) ASSERT_EQ(id, 0u);
  auto decoded = table->Keys().ValueOrDie();
  ASSERT_EQ(table->num_groups(), 1u);
  for (const auto& column : decoded) EXPECT_EQ(column->null_count(), 1);
}

TEST(HashTable, NanAndNegativeZeroGroupTogetherAndComeOutNormalized) {
  const double nan = std::nan(""), other_nan = -std::nan("7");
  ArrayVector keys = {
      testing::ArrayOf<arrow::DoubleBuilder, double>({0.0, -0.0, nan, other_nan, 1.0, std::nullopt, -0.0})};
  auto table = MakeTable(keys);
  auto ids = Insert(*table, keys);
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 0, 1, 1, 2, 3, 0}));
  auto decoded = std::static_pointer_cast<arrow::DoubleArray>(table->Keys().ValueOrDie()[0]);
  EXPECT_FALSE(std::signbit(decoded->Value(0)));
  EXPECT_TRUE(std::isnan(decoded->Value(1)));
  EXPECT_TRUE(decoded->IsNull(3));
  // Floats too, as do a join's probe keys.
  ArrayVector floats = {testing::ArrayOf<arrow::FloatBuilder, float>({-0.0f, 0.0f, std::nanf(""), -std::nanf("3")})};
  auto float_table = MakeTable(floats);
  EXPECT_EQ(Insert(*float_table, floats), (std::vector<uint32_t>{0, 0, 1, 1}));
  std::vector<uint32_t> found(2);
  ArrayVector probe = {testing::ArrayOf<arrow::FloatBuilder, float>({0.0f, -std::nanf("9")})};
  exec::EncodedKeys scratch;
  ASSERT_TRUE(float_table->Find(probe, 2, &scratch, found.data()).ok());
  EXPECT_EQ(found, (std::vector<uint32_t>{0, 1}));
}

TEST(HashTable, SkewedKeys) {
  const int64_t n = 1000000;
  arrow::Int32Builder builder;
  for (int64_t i = 0; i < n; ++i) ASSERT_TRUE(builder.Append(i % 10 == 0 ? static_cast<int32_t>(i) : 42).ok());
  ArrayVector keys = {builder.Finish().ValueOrDie()};
  auto table = MakeTable(keys);
  auto ids = Insert(*table, keys);
  ExpectGroupsMatch(*table, keys, ids, [&](int64_t i) { return std::to_string(i % 10 == 0 ? i : 42); });
}

TEST(HashTable, MillionsOfGroupsResizeAndFind) {
  const int64_t n = 3000000;
  arrow::Int64Builder builder;
  std::mt19937_64 rng(7);
  std::vector<int64_t> values(n);
  for (int64_t i = 0; i < n; ++i) {
    values[i] = static_cast<int64_t>(rng() % 2000000) * 1000003;
    ASSERT_TRUE(builder.Append(values[i]).ok());
  }
  ArrayVector keys = {builder.Finish().ValueOrDie()};
  auto table = MakeTable(keys);
  auto ids = Insert(*table, keys);
  EXPECT_GT(table->num_groups(), 1500000u);
  EXPECT_GT(table->MemoryUsage(), static_cast<int64_t>(table->num_groups()) * 16);
  std::unordered_map<int64_t, uint32_t> reference;
  for (int64_t i = 0; i < n; ++i) {
    auto [it, inserted] = reference.emplace(values[i], ids[i]);
    ASSERT_EQ(it->second, ids[i]);
  }
  ASSERT_EQ(reference.size(), table->num_groups());
  auto decoded = std::static_pointer_cast<arrow::Int64Array>(table->Keys().ValueOrDie()[0]);
  for (const auto& [value, id] : reference) ASSERT_EQ(decoded->Value(id), value);
  // Find: every inserted key, and keys never inserted.
  std::vector<uint32_t> found(n);
  exec::EncodedKeys scratch;
  ASSERT_TRUE(table->Find(keys, n, &scratch, found.data()).ok());
  EXPECT_EQ(found, ids);
  ArrayVector missing = {testing::ArrayOf<arrow::Int64Builder, int64_t>({1, 2, -1000003})};
  ASSERT_TRUE(table->Find(missing, 3, &scratch, found.data()).ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(found[i], HashTable::kNoGroup);
}

TEST(HashTable, StringKeysEmptyLongAndNull) {
  std::vector<std::optional<std::string>> values = {"", std::nullopt, "a", std::string(10000, 'x'), "",
                                                    std::string(10000, 'x') + "y", std::nullopt, "a",
                                                    std::string(9999, 'x'), "b"};
  for (int i = 0; i < 5000; ++i) values.push_back("key" + std::to_string(i % 1234));
  ArrayVector keys = {testing::ArrayOf<arrow::StringBuilder>(values)};
  auto table = MakeTable(keys);
  auto ids = Insert(*table, keys, 333);
  ExpectGroupsMatch(*table, keys, ids, [&](int64_t i) { return values[i] ? "v" + *values[i] : "null"; });
  EXPECT_NE(ids[0], ids[1]);  // "" is not NULL
  EXPECT_EQ(ids[0], ids[4]);
}

TEST(HashTable, MultiColumnMixedKeys) {
  const int64_t n = 200000;
  arrow::Int32Builder ints;
  arrow::StringBuilder strings;
  arrow::DoubleBuilder doubles;
  arrow::BooleanBuilder bools;
  arrow::Decimal128Builder decimals(arrow::decimal128(15, 2));
  arrow::Date32Builder dates;
  std::mt19937 rng(3);
  for (int64_t i = 0; i < n; ++i) {
    auto r = rng();
    auto append = [&](auto& builder, bool null, auto value) {
      ASSERT_TRUE((null ? builder.AppendNull() : builder.Append(value)).ok());
    };
    append(ints, r % 13 == 0, static_cast<int32_t>(r % 7));
    append(strings, r % 11 == 0, std::string(r % 5, 'k'));
    append(doubles, r % 17 == 0, (r >> 8) % 3 == 0 ? -0.0 : static_cast<double>((r >> 8) % 3));
    append(bools, r % 19 == 0, ((r >> 12) & 1) != 0);
    append(decimals, r % 23 == 0, arrow::Decimal128(static_cast<int64_t>((r >> 14) % 4)));
    append(dates, false, static_cast<int32_t>((r >> 16) % 3));
  }
  ArrayVector keys = {ints.Finish().ValueOrDie(),  strings.Finish().ValueOrDie(),  doubles.Finish().ValueOrDie(),
                      bools.Finish().ValueOrDie(), decimals.Finish().ValueOrDie(), dates.Finish().ValueOrDie()};
  auto table = MakeTable(keys);
  auto ids = Insert(*table, keys, 10000);
  // -0.0 prints as 0 after normalization; compare on normalized doubles.
  auto reference = [&](int64_t i) {
    std::string row = RowString(keys, i);
    auto pos = row.find("-0|");
    return pos == std::string::npos ? row : row.replace(pos, 3, "0|");
  };
  std::map<std::string, uint32_t> groups;
  for (int64_t i = 0; i < n; ++i) {
    auto [it, inserted] = groups.emplace(reference(i), ids[i]);
    ASSERT_EQ(it->second, ids[i]) << reference(i);
  }
  EXPECT_EQ(groups.size(), table->num_groups());
  auto decoded = table->Keys().ValueOrDie();
  for (const auto& [key, id] : groups) ASSERT_EQ(RowString(decoded, id), key);
}

TEST(HashTable, NestedKeys) {
  auto type = arrow::struct_({arrow::field("a", arrow::int64()), arrow::field("b", arrow::list(arrow::utf8()))});
  auto keys = ArrayVector{arrow::json::ArrayFromJSONString(type, R"([{"a": 1, "b": ["x"]}, {"a": 1, "b": ["x", null]},
      null, {"a": 1, "b": ["x"]}, {"a": null, "b": []}, null, {"a": null, "b": []}])").ValueOrDie()};
  auto table = MakeTable(keys);
  auto ids = Insert(*table, keys, 2);
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 2, 0, 3, 2, 3}));
  ExpectGroupsMatch(*table, keys, ids, [&](int64_t i) { return RowString(keys, i); });
}

TEST(HashTable, MergeGivesTheGroupsOfOneTable) {
  for (bool strings : {false, true}) {
    const int64_t n = 300000;
    arrow::Int64Builder longs;
    arrow::StringBuilder texts;
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = (i * 7919) % 100000;
      ASSERT_TRUE((v % 1000 == 0 ? longs.AppendNull() : longs.Append(v)).ok());
      ASSERT_TRUE(texts.Append("s" + std::to_string(v % 77)).ok());
    }
    ArrayVector all = {longs.Finish().ValueOrDie()};
    if (strings) all.push_back(texts.Finish().ValueOrDie());
    ArrayVector first, second;
    for (const auto& k : all) {
      first.push_back(k->Slice(0, n / 3));
      second.push_back(k->Slice(n / 3));
    }
    auto global = MakeTable(all);
    auto part1 = MakeTable(all), part2 = MakeTable(all);
    auto ids1 = Insert(*part1, first), ids2 = Insert(*part2, second);
    std::vector<uint32_t> map1(part1->num_groups()), map2(part2->num_groups());
    ASSERT_TRUE(global->Merge(*part1, map1.data()).ok());
    ASSERT_TRUE(global->Merge(*part2, map2.data()).ok());
    std::vector<uint32_t> ids;
    for (uint32_t id : ids1) ids.push_back(map1[id]);
    for (uint32_t id : ids2) ids.push_back(map2[id]);
    ExpectGroupsMatch(*global, all, ids, [&](int64_t i) { return RowString(all, i); });
  }
}

/// A partitioned merge (each partition of two partials into a table of its own,
/// as the aggregate's Finalize does): every key lands in exactly one partition,
/// with NULLs, a skewed key and strings.
TEST(HashTable, MergeGroupsByPartitionSplitsTheKeys) {
  const int64_t n = 200000;
  arrow::Int64Builder longs;
  arrow::StringBuilder texts;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = i % 3 == 0 ? 42 : (i * 7919) % 50000;  // a third of the rows share one key
    ASSERT_TRUE((v % 997 == 0 ? longs.AppendNull() : longs.Append(v)).ok());
    ASSERT_TRUE(texts.Append("t" + std::to_string(v % 13)).ok());
  }
  ArrayVector all = {longs.Finish().ValueOrDie(), texts.Finish().ValueOrDie()};
  ArrayVector first, second;
  for (const auto& k : all) {
    first.push_back(k->Slice(0, n / 2));
    second.push_back(k->Slice(n / 2));
  }
  auto part1 = MakeTable(all), part2 = MakeTable(all), whole = MakeTable(all);
  Insert(*part1, first);
  Insert(*part2, second);
  Insert(*whole, all);
  for (int bits : {0, 3}) {
    std::set<std::string> seen;
    for (uint32_t p = 0; p < (1u << bits); ++p) {
      auto table = MakeTable(all);
      for (const HashTable* partial : {part1.get(), part2.get()}) {
        std::vector<uint32_t> groups;
        for (uint32_t g = 0; g < partial->num_groups(); ++g) {
          if (HashTable::PartitionOf(partial->hashes()[g], bits) == p) groups.push_back(g);
        }
        std::vector<uint32_t> map(groups.size());
        ASSERT_TRUE(table->MergeGroups(*partial, groups.data(), static_cast<int64_t>(groups.size()), map.data()).ok());
      }
      auto keys = table->Keys().ValueOrDie();
      for (uint32_t g = 0; g < table->num_groups(); ++g) {
        ASSERT_TRUE(seen.insert(RowString(keys, g)).second) << "key in two partitions or twice: " << RowString(keys, g);
      }
    }
    EXPECT_EQ(seen.size(), whole->num_groups());
  }
}

/// GROUP BY through the executor: the same groups and counts on 1 and 4 threads.
TEST(HashTable, GroupByOneAndFourThreadsAgree) {
  const int64_t n = 2000000;
  auto aggregate = plan::MakeUnary<plan::AggregatePlan>(testing::Range(0, n));
  aggregate->grouping = {Call("%", {Col("id"), Lit(400009)}), Call("%", {Col("id"), Lit(5)})};
  aggregate->aggregates = {Call("count", {Col("id")}), Call("sum", {Col("id")}), Call("min", {Col("id")})};
  std::vector<std::array<int64_t, 5>> answers[2];
  int index = 0;
  for (int threads : {1, 4}) {
    for (const auto& batch : testing::RunToBatches(aggregate, threads)) {
      ASSERT_EQ(batch->num_columns(), 5);
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        std::array<int64_t, 5> row;
        for (int c = 0; c < 5; ++c) row[c] = static_cast<const arrow::Int64Array&>(*batch->column(c)).Value(r);
        answers[index].push_back(row);
      }
    }
    std::sort(answers[index].begin(), answers[index].end());
    ++index;
  }
  // (id % 400009, id % 5) pairs are all distinct below 2000045: one group per id.
  ASSERT_EQ(answers[0].size(), static_cast<size_t>(n));
  EXPECT_EQ(answers[0], answers[1]);
  for (const auto& row : answers[0]) ASSERT_EQ(row[2], 1);
}

}  // namespace
}  // namespace sk8
