#include "io/file_listing.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "functions/text_values.h"
#include "io/filesystems.h"
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
  if (!IsLocalPath(path)) return path;
  std::string local = path.rfind("file:", 0) == 0 ? path.substr(5) : path;
  std::error_code ec;
  fs::path absolute = fs::absolute(local, ec);
  return "file:" + (ec ? local : absolute.lexically_normal().string());
}

std::string FileUri(const std::string& path) {
  if (!IsLocalPath(path)) return path;
  return "file://" + QualifiedPath(path).substr(5);
}

namespace {

bool Hidden(std::string_view name) { return !name.empty() && (name[0] == '_' || name[0] == '.'); }

std::string_view BaseName(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Whether a name between a listed directory and a file under it is hidden.
bool HiddenBelow(std::string_view relative) {
  size_t start = 0;
  while (start <= relative.size()) {
    size_t slash = relative.find('/', start);
    if (slash == std::string_view::npos) slash = relative.size();
    if (Hidden(relative.substr(start, slash - start))) return true;
    start = slash + 1;
  }
  return false;
}

bool HasGlob(const std::string& path) { return path.find_first_of("*?[{") != std::string::npos; }

// "a{b,c}d" -> "abd", "acd" (nested alternatives too), as Hadoop's globs read braces.
std::vector<std::string> ExpandBraces(const std::string& pattern) {
  const auto open = pattern.find('{');
  if (open == std::string::npos) return {pattern};
  int depth = 0;
  std::vector<size_t> commas;
  size_t close = std::string::npos;
  for (size_t i = open; i < pattern.size() && close == std::string::npos; ++i) {
    if (pattern[i] == '{') ++depth;
    if (pattern[i] == '}' && --depth == 0) close = i;
    if (pattern[i] == ',' && depth == 1) commas.push_back(i);
  }
  if (close == std::string::npos) return {pattern};
  std::vector<std::string> out;
  size_t from = open + 1;
  commas.push_back(close);
  for (size_t comma : commas) {
    auto rest = ExpandBraces(pattern.substr(0, open) + pattern.substr(from, comma - from) + pattern.substr(close + 1));
    out.insert(out.end(), rest.begin(), rest.end());
    from = comma + 1;
  }
  return out;
}

// The paths (inside `where.fs`) a glob matches, sorted: each alternative is
// matched against a listing of the directory above its first wildcard, deep
// enough for its names ('*' stops at '/' and at a leading '.', as glob(3)).
Result<std::vector<std::string>> ExpandGlob(const ResolvedPath& where, const std::string& pattern) {
  std::vector<std::string> matches;
  for (const auto& alternative : ExpandBraces(pattern)) {
    const auto wildcard = alternative.find_first_of("*?[");
    if (wildcard == std::string::npos) {
      auto info = where.fs->GetFileInfo(alternative);
      if (!info.ok()) return StoreError(where, where.Uri(alternative), info.status());
      if (info->type() != arrow::fs::FileType::NotFound) matches.push_back(alternative);
      continue;
    }
    const auto slash = alternative.rfind('/', wildcard);
    std::string base = slash == std::string::npos ? "" : alternative.substr(0, slash);
    if (base.empty() && !alternative.empty() && alternative[0] == '/') base = "/";
    const auto depth = std::count(alternative.begin() + static_cast<std::ptrdiff_t>(wildcard), alternative.end(), '/');
    arrow::fs::FileSelector selector;
    selector.base_dir = base;
    selector.allow_not_found = true;
    selector.recursive = depth > 0;
    selector.max_recursion = static_cast<int32_t>(depth);
    auto infos = where.fs->GetFileInfo(selector);
    if (!infos.ok()) return StoreError(where, where.Uri(base), infos.status());
    for (const auto& info : *infos) {
      if (fnmatch(alternative.c_str(), info.path().c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) {
        matches.push_back(info.path());
      }
    }
  }
  std::sort(matches.begin(), matches.end());
  matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
  return matches;
}

// A path inside a local filesystem without "." / ".." parts and trailing slashes.
std::string CleanPath(const ResolvedPath& where) {
  if (!where.local) return where.path;
  std::string path = fs::path(where.path).lexically_normal().string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

// Lists the files, each with its size and the directory it was found under
// ("" for a file named directly), in the user's form (s3a://bucket/key, or an
// absolute local path).
Status ListWithBases(const std::vector<std::string>& paths, const SourceOptions& options, const StorageConf& storage,
                     std::vector<std::string>* files, std::vector<std::string>* bases, std::vector<int64_t>* sizes) {
  // Directories are listed recursively either way; recursiveFileLookup only
  // turns partition discovery off.
  ARROW_ASSIGN_OR_RAISE(const bool recursive, options.GetBool("recursiveFileLookup", false));
  const auto name_filter = options.Get("pathGlobFilter");
  auto keep = [&](std::string_view file) {
    return !name_filter || fnmatch(name_filter->c_str(), std::string(BaseName(file)).c_str(), FNM_PERIOD) == 0;
  };
  for (const auto& raw : paths) {
    ARROW_ASSIGN_OR_RAISE(auto where, ResolvePath(raw, storage));
    const std::string inner = CleanPath(where);
    std::vector<std::string> matched{inner};
    if (HasGlob(inner)) {
      ARROW_ASSIGN_OR_RAISE(matched, ExpandGlob(where, inner));
    }
    if (matched.empty()) {
      ARROW_RETURN_NOT_OK(CheckBucket(where, raw));
      return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(raw)}});
    }
    for (const auto& path : matched) {
      auto info = where.fs->GetFileInfo(path);
      if (!info.ok()) return StoreError(where, where.Uri(path), info.status());
      if (info->type() == arrow::fs::FileType::NotFound) {
        ARROW_RETURN_NOT_OK(CheckBucket(where, where.Uri(path)));
        return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(where.Uri(path))}});
      }
      if (info->type() == arrow::fs::FileType::File) {
        if (keep(path)) {
          files->push_back(where.Uri(path));
          bases->push_back("");
          sizes->push_back(info->size());
        }
        continue;
      }
      arrow::fs::FileSelector selector;
      selector.base_dir = path;
      selector.recursive = true;
      auto listed = where.fs->GetFileInfo(selector);
      if (!listed.ok()) return StoreError(where, where.Uri(path), listed.status());
      std::vector<std::pair<std::string, int64_t>> found;
      for (const auto& entry : *listed) {
        if (entry.type() != arrow::fs::FileType::File) continue;
        const std::string& file = entry.path();
        if (file.size() <= path.size() + 1 || file.compare(0, path.size(), path) != 0) continue;
        if (HiddenBelow(std::string_view(file).substr(path.size() + 1)) || !keep(file)) continue;
        found.emplace_back(where.Uri(file), entry.size());
      }
      std::sort(found.begin(), found.end());
      for (auto& [file, size] : found) {
        files->push_back(std::move(file));
        sizes->push_back(size);
        bases->push_back(recursive ? "" : where.Uri(path));
      }
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

Result<std::vector<std::string>> ListDataFiles(const std::vector<std::string>& paths, const SourceOptions& options,
                                               const StorageConf& storage) {
  std::vector<std::string> files, bases;
  std::vector<int64_t> sizes;
  ARROW_RETURN_NOT_OK(ListWithBases(paths, options, storage, &files, &bases, &sizes));
  return files;
}

Result<ListedFiles> ListPartitionedFiles(const std::vector<std::string>& paths, const SourceOptions& options,
                                         const StorageConf& storage) {
  ListedFiles listed;
  std::vector<std::string> bases;
  std::vector<int64_t> sizes;
  ARROW_RETURN_NOT_OK(ListWithBases(paths, options, storage, &listed.files, &bases, &sizes));
  // Spark reads the largest files first (FilePartition packs splits sorted by
  // length, descending, stable): rows of an unordered read come in that order.
  {
    std::vector<std::pair<int64_t, size_t>> order;
    for (size_t f = 0; f < listed.files.size(); ++f) order.emplace_back(sizes[f], f);
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
      const auto relative = fs::path(listed.files[f].substr(bases[f].size() + 1)).parent_path();
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
