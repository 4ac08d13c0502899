#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

namespace sk8 {

using arrow::Result;
using arrow::Status;

/// Which JVM exception a Spark client expects for an error. The client picks its
/// Python exception class from the JVM class hierarchy, so each kind carries it.
enum class SparkExceptionKind {
  kAnalysis,            // org.apache.spark.sql.AnalysisException
  kParse,               // org.apache.spark.sql.catalyst.parser.ParseException
  kArithmetic,          // org.apache.spark.SparkArithmeticException
  kNumberFormat,        // org.apache.spark.SparkNumberFormatException
  kIllegalArgument,     // org.apache.spark.SparkIllegalArgumentException
  kUnsupported,         // org.apache.spark.SparkUnsupportedOperationException
  kRuntime,             // org.apache.spark.SparkRuntimeException
  kDateTime,            // org.apache.spark.SparkDateTimeException
  kUpgrade,             // org.apache.spark.SparkUpgradeException (Spark 3.0 behaviour changes)
  kArrayIndexOutOfBounds,  // org.apache.spark.SparkArrayIndexOutOfBoundsException
  kNoSuchElement,       // org.apache.spark.SparkNoSuchElementException
  kSql,                 // org.apache.spark.sql.SparkSQLException (INVALID_HANDLE, ...)
  kOutOfMemory,         // org.apache.spark.memory.SparkOutOfMemoryError (a memory limit reached)
  kInternal,            // org.apache.spark.SparkException (INTERNAL_ERROR)
  kInvalidPlanInput,    // org.apache.spark.sql.connect.common.InvalidPlanInput (a bad relation)
  kClassNotFound,       // org.apache.spark.SparkClassNotFoundException (an unknown data source)
};

using MessageParameters = std::vector<std::pair<std::string, std::string>>;

/// Attached to an arrow::Status: the Spark error class and its parameters. The
/// server turns it into the google.rpc.ErrorInfo a Spark client decodes.
class SparkErrorDetail : public arrow::StatusDetail {
 public:
  SparkErrorDetail(SparkExceptionKind kind, std::string error_class, MessageParameters params,
                   std::string sql_state);

  const char* type_id() const override;
  std::string ToString() const override;

  SparkExceptionKind kind() const { return kind_; }
  const std::string& error_class() const { return error_class_; }
  const MessageParameters& parameters() const { return parameters_; }
  const std::string& sql_state() const { return sql_state_; }
  /// JVM class name and its superclasses, most specific first.
  std::vector<std::string> JvmClassHierarchy() const;

 private:
  SparkExceptionKind kind_;
  std::string error_class_;
  MessageParameters parameters_;
  std::string sql_state_;
};

/// Spark's message for an error class: "[CLASS] text with parameters. SQLSTATE: X".
std::string FormatSparkMessage(const std::string& error_class, const MessageParameters& params);

/// Builds a Status carrying a SparkErrorDetail. Analysis and parse errors are user
/// errors (Invalid); runtime errors of a query are ExecutionError.
Status SparkError(SparkExceptionKind kind, const std::string& error_class,
                  MessageParameters params = {});

inline Status AnalysisError(const std::string& error_class, MessageParameters params = {}) {
  return SparkError(SparkExceptionKind::kAnalysis, error_class, std::move(params));
}
inline Status ParseError(const std::string& error_class, MessageParameters params = {}) {
  return SparkError(SparkExceptionKind::kParse, error_class, std::move(params));
}
/// Something sk8 does not implement yet, named so the user knows what to avoid.
Status Unsupported(const std::string& what);
/// A bug in sk8, not the user's fault.
Status InternalError(const std::string& message);

/// The SparkErrorDetail of a status, or nullptr.
const SparkErrorDetail* GetSparkError(const Status& status);

/// Quotes an identifier the way Spark's messages do: `name`.
std::string QuoteIdentifier(const std::string& name);
std::string QuoteNameParts(const std::vector<std::string>& parts);

}  // namespace sk8
