#pragma once

#include <memory>
#include <string>
#include <vector>

#include <arrow/filesystem/filesystem.h>
#include <arrow/io/interfaces.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "io/data_source.h"
#include "io/filesystems.h"

/// Writing a query's rows as files, laid out as Spark writes them: part files
/// named part-<n>-<job id>-c000[.<codec>].<ext>, Hive-style directories for
/// partitionBy columns, a _SUCCESS marker. A job writes into a staging
/// directory next to its target and only a finished job is moved into place,
/// so a failed job leaves nothing visible and overwrite replaces the old data
/// only once the new data is complete. On the local disk the move is a
/// rename; in an object store (no rename there) the staged objects are copied
/// server-side to their final keys, data files first and _SUCCESS last, and
/// the staging prefix is deleted (docs/architecture.md, "Filesystems and object storage").
namespace sk8::io {

enum class SaveMode { kErrorIfExists, kAppend, kOverwrite, kIgnore };

struct WriteSpec {
  std::string format = "parquet";  // spark.sql.sources.default
  std::string path;
  SaveMode mode = SaveMode::kErrorIfExists;
  std::vector<std::string> partition_by;
  SourceOptions options;
  std::string session_time_zone = "UTC";
  StorageConfPtr storage;  // the session's Hadoop confs (s3a endpoint, credentials)
  /// A bucketed table's write: the column of the rows that holds each row's
  /// bucket id (an int32, left out of the files), which names its file
  /// (part-00000-<job>_00003.c000.<ext>, as Spark names bucket files).
  std::string bucket_id_column;
};

/// One format's writer of one file.
class FormatWriter {
 public:
  virtual ~FormatWriter() = default;
  virtual Status Write(const arrow::RecordBatch& batch) = 0;
  virtual Status Close() = 0;
};

/// The writers of a job.
class DatasetWriter {
 public:
  /// Checks the target against the mode (PATH_ALREADY_EXISTS for
  /// errorifexists) and the options; with ignore and an existing target,
  /// `skipped()` is true and nothing is written.
  static Result<std::unique_ptr<DatasetWriter>> Open(WriteSpec spec, std::shared_ptr<arrow::Schema> schema);
  ~DatasetWriter();

  bool skipped() const { return skipped_; }
  Status Write(const std::shared_ptr<arrow::RecordBatch>& batch);
  /// Closes the files and moves them into place.
  Status Commit();

 private:
  DatasetWriter() = default;
  Result<FormatWriter*> WriterFor(const std::string& directory, int bucket = -1);
  void Abort();
  Status CommitByRename();
  Status CommitByCopy();

  WriteSpec spec_;
  std::shared_ptr<arrow::Schema> schema_;       // the rows written
  std::shared_ptr<arrow::Schema> file_schema_;  // without the partition columns
  std::vector<int> data_columns, partition_columns;
  int bucket_column_ = -1;
  ResolvedPath where_;  // the target's filesystem
  std::string target_;  // the target inside it
  std::string staging_;  // the staging directory inside it
  std::string job_id_;
  bool skipped_ = false;
  bool committed_ = false;
  struct OpenFile {
    std::string directory;
    int bucket;
    std::unique_ptr<FormatWriter> writer;
  };
  std::vector<OpenFile> writers_;  // by partition directory and bucket
  std::vector<std::shared_ptr<arrow::io::OutputStream>> streams_;  // their files, to abort
};

/// The writer of one file of `format` into `out`, or an error naming what is not written.
Result<std::unique_ptr<FormatWriter>> MakeFormatWriter(const std::string& format,
                                                       std::shared_ptr<arrow::io::OutputStream> out,
                                                       const std::shared_ptr<arrow::Schema>& schema,
                                                       const SourceOptions& options,
                                                       const std::string& session_time_zone);
/// A path without its "file:" / "file://" scheme.
std::string LocalPath(const std::string& raw);
/// A partition value as Spark escapes it in a directory name ("a/b" -> "a%2Fb").
std::string EscapePartitionValue(const std::string& value);

/// The file name extension Spark gives `format`'s part files with these options (".snappy.parquet", ".csv").
Result<std::string> PartFileExtension(const std::string& format, const SourceOptions& options);

}  // namespace sk8::io
