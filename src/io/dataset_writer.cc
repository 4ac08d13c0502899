#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include "functions/cast.h"
#include "io/file_listing.h"
#include "io/file_writer.h"

namespace sk8::io {

namespace fs = std::filesystem;

namespace {

std::string RandomId() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  const uint64_t a = random(), b = random();
  char text[40];
  std::snprintf(text, sizeof(text), "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return text;
}

}  // namespace

std::string LocalPath(const std::string& raw) {
  if (raw.rfind("file://", 0) == 0) return raw.substr(7);
  if (raw.rfind("file:", 0) == 0) return raw.substr(5);
  return raw;
}

// A partition value in a directory name, escaped as Spark escapes it.
std::string EscapePartitionValue(const std::string& value) {
  static const std::string kSpecial = "\"#%'*/:=?\\\x7f{[]^";
  std::string out;
  for (unsigned char c : value) {
    if (c < 0x20 || kSpecial.find(static_cast<char>(c)) != std::string::npos) {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

// Moves every file under `from` to the same place under `to`.
Status MoveTree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto target = to / fs::relative(it->path(), from);
    if (it->is_directory()) {
      fs::create_directories(target, ec);
    } else {
      fs::create_directories(target.parent_path(), ec);
      fs::rename(it->path(), target, ec);
    }
    if (ec) break;
  }
  if (ec) return Status::IOError("cannot move written files into ", to.string(), ": ", ec.message());
  return Status::OK();
}

// A path inside its filesystem without "." / ".." parts and trailing slashes.
std::string CleanTarget(const ResolvedPath& where) {
  std::string path = where.local ? fs::path(where.path).lexically_normal().string() : where.path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string ParentOf(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : (slash == 0 ? "/" : path.substr(0, slash));
}

std::string NameOf(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Join(const std::string& dir, const std::string& name) {
  if (name.empty()) return dir;
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

Result<std::unique_ptr<DatasetWriter>> DatasetWriter::Open(WriteSpec spec, std::shared_ptr<arrow::Schema> schema) {
  std::unique_ptr<DatasetWriter> writer(new DatasetWriter());
  static const StorageConf kNoConf;
  ARROW_ASSIGN_OR_RAISE(writer->where_, ResolvePath(spec.path, spec.storage ? *spec.storage : kNoConf));
  auto& where = writer->where_;
  writer->target_ = CleanTarget(where);
  if (!where.local && writer->target_.find('/') == std::string::npos) {
    return Unsupported("writing to the root of a bucket (" + spec.path + ": write under a prefix of it)");
  }
  auto info = where.fs->GetFileInfo(writer->target_);
  if (!info.ok()) return StoreError(where, spec.path, info.status());
  const bool exists = info->type() != arrow::fs::FileType::NotFound;
  if (!exists) ARROW_RETURN_NOT_OK(CheckBucket(where, spec.path));  // a wrong bucket fails before any rows run
  if (exists && spec.mode == SaveMode::kErrorIfExists) {
    return AnalysisError("PATH_ALREADY_EXISTS", {{"outputPath", QualifiedPath(where.Uri(writer->target_))}});
  }
  writer->skipped_ = exists && spec.mode == SaveMode::kIgnore;
  // Partition columns leave the files; they live in the directory names.
  for (const auto& name : spec.partition_by) {
    int found = -1;
    for (int i = 0; i < schema->num_fields(); ++i) {
      if (SameColumnName(schema->field(i)->name(), name)) found = i;
    }
    if (found < 0) {
      return AnalysisError("_LEGACY_ERROR_TEMP_1279", {{"colName", name}, {"columns", schema->ToString()}});
    }
    writer->partition_columns.push_back(found);
  }
  if (!writer->partition_columns.empty() &&
      writer->partition_columns.size() == static_cast<size_t>(schema->num_fields())) {
    return AnalysisError("ALL_PARTITION_COLUMNS_NOT_ALLOWED");
  }
  if (!spec.bucket_id_column.empty()) writer->bucket_column_ = schema->GetFieldIndex(spec.bucket_id_column);
  arrow::FieldVector file_fields;
  for (int i = 0; i < schema->num_fields(); ++i) {
    if (std::find(writer->partition_columns.begin(), writer->partition_columns.end(), i) !=
            writer->partition_columns.end() ||
        i == writer->bucket_column_) {
      continue;
    }
    writer->data_columns.push_back(i);
    file_fields.push_back(schema->field(i));
  }
  writer->file_schema_ = arrow::schema(file_fields);
  ARROW_RETURN_NOT_OK(PartFileExtension(spec.format, spec.options).status());
  writer->job_id_ = RandomId();
  // The staging directory is a hidden sibling of the target, so readers of
  // the parent skip it and the final moves stay on one filesystem (one bucket).
  writer->staging_ =
      Join(ParentOf(writer->target_), "." + NameOf(writer->target_) + "-sk8-staging-" + writer->job_id_);
  if (!writer->skipped_ && where.local) {
    std::error_code ec;
    fs::create_directories(writer->staging_, ec);
    if (ec) return Status::IOError("cannot create ", writer->staging_, ": ", ec.message());
  }
  writer->spec_ = std::move(spec);
  writer->schema_ = std::move(schema);
  return writer;
}

DatasetWriter::~DatasetWriter() {
  if (!committed_) Abort();
}

void DatasetWriter::Abort() {
  // Unfinished files are dropped, not completed (an object store's upload is
  // aborted), then whatever reached the staging directory is removed.
  for (auto& stream : streams_) {
    if (!stream->closed()) ARROW_UNUSED(stream->Abort());
  }
  writers_.clear();
  streams_.clear();
  if (staging_.empty() || skipped_) return;
  if (where_.local) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  } else if (where_.fs) {
    ARROW_UNUSED(where_.fs->DeleteDir(staging_));  // its objects and its marker
  }
}

Result<FormatWriter*> DatasetWriter::WriterFor(const std::string& directory, int bucket) {
  for (auto& file : writers_) {
    if (file.directory == directory && file.bucket == bucket) return file.writer.get();
  }
  ARROW_ASSIGN_OR_RAISE(auto extension, PartFileExtension(spec_.format, spec_.options));
  char name[32];
  std::snprintf(name, sizeof(name), "part-%05zu-", writers_.size());
  const std::string dir = Join(staging_, directory);
  if (where_.local) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::IOError("cannot create ", dir, ": ", ec.message());
  }
  // Spark's names: part-00000-<job>-c000.<ext>, part-00000-<job>.c000.<ext>
  // in partition directories, part-00000-<job>_00003.c000.<ext> for bucket 3.
  char bucket_suffix[16] = "";
  if (bucket >= 0) std::snprintf(bucket_suffix, sizeof(bucket_suffix), "_%05d", bucket);
  const auto path = Join(dir, std::string(name) + job_id_ + bucket_suffix +
                                  (directory.empty() && bucket < 0 ? "-c000" : ".c000") + extension);
  auto out = where_.fs->OpenOutputStream(path);
  if (!out.ok()) {
    if (!where_.local) return StoreError(where_, where_.Uri(path), out.status());
    return Status::IOError("cannot create ", path, ": ", out.status().message());
  }
  streams_.push_back(*out);
  ARROW_ASSIGN_OR_RAISE(auto writer,
                        MakeFormatWriter(spec_.format, *out, file_schema_, spec_.options, spec_.session_time_zone));
  writers_.push_back({directory, bucket, std::move(writer)});
  return writers_.back().writer.get();
}

Status DatasetWriter::Write(const std::shared_ptr<arrow::RecordBatch>& batch) {
  if (skipped_ || batch->num_rows() == 0) return Status::OK();
  std::vector<std::shared_ptr<arrow::Array>> data;
  for (int c : data_columns) data.push_back(batch->column(c));
  auto file_batch = arrow::RecordBatch::Make(file_schema_, batch->num_rows(), data);
  if (partition_columns.empty() && bucket_column_ < 0) {
    ARROW_ASSIGN_OR_RAISE(auto writer, WriterFor(""));
    return writer->Write(*file_batch);
  }
  // The directory of each row, from its partition values as Spark renders them.
  plan::EvalContext ctx;
  ctx.session_time_zone = spec_.session_time_zone;
  std::vector<std::shared_ptr<arrow::Array>> texts;
  for (int c : partition_columns) {
    ARROW_ASSIGN_OR_RAISE(auto text, functions::ToSparkStrings(*batch->column(c), ctx));
    texts.push_back(text);
  }
  const auto* buckets = bucket_column_ >= 0 ? &static_cast<const arrow::Int32Array&>(*batch->column(bucket_column_))
                                             : nullptr;
  // Each row's file: its directory, then "\n" and its bucket id when bucketed.
  std::vector<std::string> row_dirs(static_cast<size_t>(batch->num_rows()));
  std::vector<std::string> dirs;
  for (int64_t r = 0; r < batch->num_rows(); ++r) {
    std::string dir;
    for (size_t k = 0; k < partition_columns.size(); ++k) {
      const auto& text = static_cast<const arrow::StringArray&>(*texts[k]);
      const std::string value = text.IsNull(r) || text.GetView(r).empty() ? "__HIVE_DEFAULT_PARTITION__"
                                                                          : EscapePartitionValue(std::string(text.GetView(r)));
      dir += (k ? "/" : "") + schema_->field(partition_columns[k])->name() + "=" + value;
    }
    if (buckets) dir += "\n" + std::to_string(buckets->Value(r));
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    row_dirs[static_cast<size_t>(r)] = std::move(dir);
  }
  for (const auto& dir : dirs) {
    arrow::BooleanBuilder mask;
    ARROW_RETURN_NOT_OK(mask.Reserve(batch->num_rows()));
    for (const auto& row_dir : row_dirs) mask.UnsafeAppend(row_dir == dir);
    ARROW_ASSIGN_OR_RAISE(auto selection, mask.Finish());
    ARROW_ASSIGN_OR_RAISE(auto part, arrow::compute::Filter(file_batch, selection));
    const auto cut = dir.find('\n');
    const int bucket = cut == std::string::npos ? -1 : std::stoi(dir.substr(cut + 1));
    ARROW_ASSIGN_OR_RAISE(auto writer, WriterFor(dir.substr(0, cut), bucket));
    ARROW_RETURN_NOT_OK(writer->Write(*part.record_batch()));
  }
  return Status::OK();
}

Status DatasetWriter::Commit() {
  if (skipped_) {
    committed_ = true;
    return Status::OK();
  }
  // An empty result still writes one (empty) file, as Spark does, so the schema is kept.
  if (writers_.empty() && partition_columns.empty() && bucket_column_ < 0) ARROW_RETURN_NOT_OK(WriterFor("").status());
  for (auto& file : writers_) {
    Status closed = file.writer->Close();
    if (!closed.ok()) return where_.local ? closed : StoreError(where_, spec_.path, closed);
  }
  writers_.clear();
  streams_.clear();
  ARROW_RETURN_NOT_OK(where_.local ? CommitByRename() : CommitByCopy());
  committed_ = true;
  return Status::OK();
}

Status DatasetWriter::CommitByRename() {
  std::error_code ec;
  std::ofstream(fs::path(staging_) / "_SUCCESS").close();
  const fs::path target = target_;
  const bool exists = fs::exists(target, ec);
  if (!exists) {
    fs::create_directories(target.parent_path(), ec);
    fs::rename(staging_, target, ec);
    if (ec) return Status::IOError("cannot move ", staging_, " to ", target.string(), ": ", ec.message());
  } else if (spec_.mode == SaveMode::kOverwrite) {
    // The new data is complete: the old goes aside, the new takes its place,
    // then the old is removed.
    const fs::path old = target.parent_path() / ("." + target.filename().string() + "-sk8-old-" + job_id_);
    fs::rename(target, old, ec);
    if (ec) return Status::IOError("cannot replace ", target.string(), ": ", ec.message());
    fs::rename(staging_, target, ec);
    if (ec) {
      std::error_code restore;
      fs::rename(old, target, restore);
      return Status::IOError("cannot replace ", target.string(), ": ", ec.message());
    }
    fs::remove_all(old, ec);
  } else {
    ARROW_RETURN_NOT_OK(MoveTree(staging_, target));
    fs::remove_all(staging_, ec);
  }
  return Status::OK();
}

// An object store has no rename: once every file is complete in the staging
// prefix, overwrite deletes the old objects, each staged object is copied
// (server-side) to its final key, _SUCCESS last, and the staging prefix goes.
// A failure before this point leaves the target untouched; a failure during
// it is reported, and readers that wait for _SUCCESS never see a partial job.
Status DatasetWriter::CommitByCopy() {
  auto& store = *where_.fs;
  auto fail = [&](const std::string& uri, const Status& cause) { return StoreError(where_, uri, cause); };
  arrow::fs::FileSelector selector;
  selector.base_dir = staging_;
  selector.recursive = true;
  selector.allow_not_found = true;  // a partitioned job without rows staged nothing
  auto staged = store.GetFileInfo(selector);
  if (!staged.ok()) return fail(where_.Uri(staging_), staged.status());
  if (spec_.mode == SaveMode::kOverwrite) {
    auto info = store.GetFileInfo(target_);
    if (!info.ok()) return fail(spec_.path, info.status());
    Status removed = Status::OK();
    if (info->type() == arrow::fs::FileType::File) removed = store.DeleteFile(target_);
    if (info->type() == arrow::fs::FileType::Directory) removed = store.DeleteDir(target_);
    if (!removed.ok()) return fail(spec_.path, removed);
  }
  for (const auto& file : *staged) {
    if (file.type() != arrow::fs::FileType::File) continue;
    const std::string relative = file.path().substr(staging_.size() + 1);
    Status copied = store.CopyFile(file.path(), Join(target_, relative));
    if (!copied.ok()) return fail(where_.Uri(Join(target_, relative)), copied);
  }
  const std::string success = Join(target_, "_SUCCESS");
  auto marker = store.OpenOutputStream(success);
  if (!marker.ok()) return fail(where_.Uri(success), marker.status());
  Status closed = (*marker)->Close();
  if (!closed.ok()) return fail(where_.Uri(success), closed);
  // The job is committed; a staging prefix left behind is hidden from readers.
  ARROW_UNUSED(store.DeleteDir(staging_));  // its objects and the directory marker Arrow leaves
  return Status::OK();
}

}  // namespace sk8::io
