#include "io/file_listing.h"

#include <fnmatch.h>
#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "functions/text_values.h"
#include "types/spark_types.h"

namespace sk8::io {

using functions::DateTimeParser;
using functions::ParseBigDecimal;
using functions::ParseDecimalAs;
using functions::ParseJavaDouble;
using functions::ParseJavaInt;
using functions::ParseJavaLong;

namespace fs = std::filesystem;

std::string QualifiedPath(const std::string& path) {
  std::string local = path.rfind("file:", 0) == 0 ? path.substr(5) : path;
  std::error_code ec;
  fs::path absolute = fs::absolute(local, ec);
  return "file:" + (ec ? local : absolute.lexically_normal().string());
}

std::string FileUri(const std::string& path) { return "file://" + QualifiedPath(path).substr(5); }

namespace {

bool Hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && (name[0] == '_' || name[0] == '.');
}

bool HasGlob(const std::string& path) { return path.find_first_of("*?[{") != std::string::npos; }

// The paths a Hadoop-style glob matches, sorted ({a,b} alternatives too).
std::vector<std::string> ExpandGlob(const std::string& pattern) {
  std::vector<std::string> matches;
  glob_t result{};
  if (glob(pattern.c_str(), GLOB_BRACE | GLOB_NOSORT, nullptr, &result) == 0) {
    for (size_t i = 0; i < result.gl_pathc; ++i) matches.emplace_back(result.gl_pathv[i]);
  }
  globfree(&result);
  std::sort(matches.begin(), matches.end());
  return matches;
}

Status RefuseScheme(const std::string& raw) {
  const std::string scheme = raw.substr(0, raw.find("://"));
  if (scheme == "hdfs" || scheme == "viewfs" || scheme == "webhdfs") {
    return Unsupported("reading " + scheme +
                       ":// paths (sk8 reads local files; run the job on a real Spark cluster through the "
                       "Spark Connect gateway: sk8 serve --upstream sc://<spark-connect-host>:15002)");
  }
  return Unsupported("reading from " + scheme + ":// paths");
}

}  // namespace

// Lists the files and, for each, the directory it was found under ("" for a
// file named directly).
Status ListWithBases(const std::vector<std::string>& paths, const SourceOptions& options,
                     std::vector<std::string>* files, std::vector<std::string>* bases) {
  // Directories are listed recursively either way; recursiveFileLookup only
  // turns partition discovery off.
  ARROW_ASSIGN_OR_RAISE(const bool recursive, options.GetBool("recursiveFileLookup", false));
  const auto name_filter = options.Get("pathGlobFilter");
  auto keep = [&](const fs::path& file) {
    return !name_filter || fnmatch(name_filter->c_str(), file.filename().c_str(), FNM_PERIOD) == 0;
  };
  for (const auto& raw : paths) {
    if (raw.find("://") != std::string::npos && raw.rfind("file://", 0) != 0) return RefuseScheme(raw);
    std::string local = raw.rfind("file://", 0) == 0 ? raw.substr(7) : (raw.rfind("file:", 0) == 0 ? raw.substr(5) : raw);
    std::vector<std::string> matched{local};
    if (HasGlob(local)) matched = ExpandGlob(local);
    if (matched.empty()) return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(raw)}});
    for (const auto& path : matched) {
      std::error_code ec;
      fs::file_status status = fs::status(path, ec);
      if (ec || !fs::exists(status)) return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(path)}});
      if (fs::is_regular_file(status)) {
        if (keep(path)) {
          files->push_back(path);
          bases->push_back("");
        }
        continue;
      }
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (Hidden(it->path())) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && keep(it->path())) found.push_back(it->path().string());
      }
      if (ec) return Status::IOError("cannot list " + path + ": " + ec.message());
      std::sort(found.begin(), found.end());
      files->insert(files->end(), found.begin(), found.end());
      bases->insert(bases->end(), found.size(), recursive ? "" : path);
    }
  }
  return Status::OK();
}

namespace {

std::string UnescapePathName(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Spark's inferPartitionColumnValue: int, bigint, decimal (integers only),
// double, date, timestamp, else string. Ranks order the widening.
enum class PartitionType { kNull, kInt, kLong, kDecimal, kDouble, kDate, kTimestamp, kString };

PartitionType InferPartitionType(const std::optional<std::string>& value, int32_t* precision) {
  if (!value) return PartitionType::kNull;
  int32_t i32;
  int64_t i64;
  double d;
  if (ParseJavaInt(*value, &i32)) return PartitionType::kInt;
  if (ParseJavaLong(*value, &i64)) return PartitionType::kLong;
  arrow::Decimal128 unscaled;
  int32_t scale;
  if (ParseBigDecimal(*value, &unscaled, precision, &scale) && scale == 0 && *precision <= 38) {
    return PartitionType::kDecimal;
  }
  if (ParseJavaDouble(*value, &d)) return PartitionType::kDouble;
  DateTimeParser dates;
  int32_t days;
  if (dates.ParseDate(*value, &days, /*lenient=*/false)) return PartitionType::kDate;
  int64_t micros;
  if (dates.ParseTimestamp(*value, false, &micros)) return PartitionType::kTimestamp;
  return PartitionType::kString;
}

}  // namespace

Result<std::vector<std::string>> ListDataFiles(const std::vector<std::string>& paths, const SourceOptions& options) {
  std::vector<std::string> files, bases;
  ARROW_RETURN_NOT_OK(ListWithBases(paths, options, &files, &bases));
  return files;
}

Result<ListedFiles> ListPartitionedFiles(const std::vector<std::string>& paths, const SourceOptions& options) {
  ListedFiles listed;
  std::vector<std::string> bases;
  ARROW_RETURN_NOT_OK(ListWithBases(paths, options, &listed.files, &bases));
  // Spark reads the largest files first (FilePartition packs splits sorted by
  // length, descending, stable): rows of an unordered read come in that order.
  {
    std::vector<std::pair<uintmax_t, size_t>> order;
    for (size_t f = 0; f < listed.files.size(); ++f) {
      std::error_code size_error;
      const uintmax_t size = fs::file_size(listed.files[f], size_error);
      order.emplace_back(size_error ? 0 : size, f);
    }
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> files, sorted_bases;
    for (const auto& [size, f] : order) {
      files.push_back(std::move(listed.files[f]));
      sorted_bases.push_back(std::move(bases[f]));
    }
    listed.files = std::move(files);
    bases = std::move(sorted_bases);
  }
  // The col=value directories between each file and its base.
  std::vector<std::string> names;
  std::vector<std::vector<std::optional<std::string>>> raw(listed.files.size());
  bool first = true;
  for (size_t f = 0; f < listed.files.size(); ++f) {
    std::vector<std::string> file_names;
    if (!bases[f].empty()) {
      const auto relative = fs::path(listed.files[f]).lexically_relative(bases[f]).parent_path();
      for (const auto& part : relative) {
        const auto text = part.string();
        const auto eq = text.find('=');
        if (eq == std::string::npos || eq == 0) {
          file_names.clear();  // a plain directory ends the partition columns found so far
          raw[f].clear();
          continue;
        }
        file_names.push_back(UnescapePathName(text.substr(0, eq)));
        const auto value = UnescapePathName(text.substr(eq + 1));
        raw[f].push_back(value == "__HIVE_DEFAULT_PARTITION__" ? std::nullopt : std::optional<std::string>(value));
      }
    }
    if (first) {
      names = file_names;
      first = false;
    } else if (file_names != names) {
      return SparkError(SparkExceptionKind::kInternal, "CONFLICTING_PARTITION_COLUMN_NAMES",
                        {{"distinctPartColLists", "\n\t" + listed.files[f] + "\n"}, {"suspiciousPaths", bases[f]}});
    }
  }
  arrow::FieldVector fields;
  std::vector<PartitionType> types(names.size(), PartitionType::kNull);
  std::vector<int32_t> precisions(names.size(), 0);
  for (size_t c = 0; c < names.size(); ++c) {
    for (const auto& values : raw) {
      int32_t precision = 0;
      auto type = InferPartitionType(values[c], &precision);
      precisions[c] = std::max(precisions[c], precision);
      // Mixed numbers widen; anything else mixed (or with text) is a string.
      const bool numeric = type <= PartitionType::kDouble && types[c] <= PartitionType::kDouble;
      if (type == PartitionType::kNull) continue;
      if (types[c] == PartitionType::kNull) {
        types[c] = type;
      } else if (numeric) {
        types[c] = std::max(types[c], type);
      } else if (type != types[c]) {
        const bool datetime = (type == PartitionType::kDate || type == PartitionType::kTimestamp) &&
                              (types[c] == PartitionType::kDate || types[c] == PartitionType::kTimestamp);
        types[c] = datetime ? PartitionType::kTimestamp : PartitionType::kString;
      }
    }
    std::shared_ptr<arrow::DataType> type;
    switch (types[c]) {
      case PartitionType::kInt: type = arrow::int32(); break;
      case PartitionType::kLong: type = arrow::int64(); break;
      case PartitionType::kDecimal: type = arrow::decimal128(std::max(precisions[c], 20), 0); break;
      case PartitionType::kDouble: type = arrow::float64(); break;
      case PartitionType::kDate: type = arrow::date32(); break;
      case PartitionType::kTimestamp: type = types::TimestampType(); break;
      default: type = arrow::utf8(); break;
    }
    fields.push_back(arrow::field(names[c], type, true));
  }
  listed.partition_schema = arrow::schema(fields);
  // Each file's values as scalars of their column's type.
  for (const auto& values : raw) {
    std::vector<std::shared_ptr<arrow::Scalar>> scalars;
    for (size_t c = 0; c < names.size(); ++c) {
      const auto& type = fields[c]->type();
      if (!values[c]) {
        scalars.push_back(arrow::MakeNullScalar(type));
        continue;
      }
      const std::string& text = *values[c];
      std::shared_ptr<arrow::Scalar> scalar;
      switch (type->id()) {
        case arrow::Type::INT32: {
          int32_t x = 0;
          ParseJavaInt(text, &x);
          scalar = std::make_shared<arrow::Int32Scalar>(x);
          break;
        }
        case arrow::Type::INT64: {
          int64_t x = 0;
          ParseJavaLong(text, &x);
          scalar = std::make_shared<arrow::Int64Scalar>(x);
          break;
        }
        case arrow::Type::DECIMAL128: {
          const auto& dec = static_cast<const arrow::Decimal128Type&>(*type);
          arrow::Decimal128 x;
          ParseDecimalAs(text, dec.precision(), 0, &x);
          scalar = std::make_shared<arrow::Decimal128Scalar>(x, type);
          break;
        }
        case arrow::Type::DOUBLE: {
          double x = 0;
          ParseJavaDouble(text, &x);
          scalar = std::make_shared<arrow::DoubleScalar>(x);
          break;
        }
        case arrow::Type::DATE32: {
          int32_t days = 0;
          DateTimeParser().ParseDate(text, &days, false);
          scalar = std::make_shared<arrow::Date32Scalar>(days);
          break;
        }
        case arrow::Type::TIMESTAMP: {
          DateTimeParser parser;
          int64_t micros = 0;
          if (!parser.ParseTimestamp(text, false, &micros)) {
            int32_t days = 0;
            parser.ParseDate(text, &days, false);
            micros = days * int64_t{86400000000};
          }
          scalar = std::make_shared<arrow::TimestampScalar>(micros, type);
          break;
        }
        default: scalar = std::make_shared<arrow::StringScalar>(text); break;
      }
      scalars.push_back(std::move(scalar));
    }
    listed.partition_values.push_back(std::move(scalars));
  }
  return listed;
}

}  // namespace sk8::io
