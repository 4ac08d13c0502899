#include "common/spark_error.h"

#include <algorithm>
#include <cstring>

#include "common/error_conditions.h"

namespace sk8 {

const ErrorCondition* FindErrorCondition(std::string_view name) {
  const ErrorCondition* begin = kErrorConditions;
  const ErrorCondition* end = kErrorConditions + kNumErrorConditions;
  auto it = std::lower_bound(begin, end, name, [](const ErrorCondition& c, std::string_view n) {
    return std::string_view(c.name) < n;
  });
  if (it != end && std::string_view(it->name) == name) return it;
  return nullptr;
}

SparkErrorDetail::SparkErrorDetail(SparkExceptionKind kind, std::string error_class,
                                   MessageParameters params, std::string sql_state)
    : kind_(kind),
      error_class_(std::move(error_class)),
      parameters_(std::move(params)),
      sql_state_(std::move(sql_state)) {}

const char* SparkErrorDetail::type_id() const { return "sk8::SparkErrorDetail"; }

std::string SparkErrorDetail::ToString() const { return error_class_; }

std::vector<std::string> SparkErrorDetail::JvmClassHierarchy() const {
  // Mirrors the class chains Spark's server reports (class, then superclasses).
  switch (kind_) {
    case SparkExceptionKind::kAnalysis:
      return {"org.apache.spark.sql.AnalysisException", "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kParse:
      return {"org.apache.spark.sql.catalyst.parser.ParseException",
              "org.apache.spark.sql.AnalysisException", "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kArithmetic:
      return {"org.apache.spark.SparkArithmeticException", "java.lang.ArithmeticException",
              "java.lang.RuntimeException", "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kNumberFormat:
      return {"org.apache.spark.SparkNumberFormatException", "java.lang.NumberFormatException",
              "java.lang.IllegalArgumentException", "java.lang.RuntimeException",
              "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kIllegalArgument:
      return {"org.apache.spark.SparkIllegalArgumentException", "java.lang.IllegalArgumentException",
              "java.lang.RuntimeException", "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kUnsupported:
      return {"org.apache.spark.SparkUnsupportedOperationException",
              "java.lang.UnsupportedOperationException", "java.lang.RuntimeException",
              "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kRuntime:
      return {"org.apache.spark.SparkRuntimeException", "java.lang.RuntimeException",
              "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kDateTime:
      return {"org.apache.spark.SparkDateTimeException", "java.time.DateTimeException",
              "java.lang.RuntimeException", "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kUpgrade:
      return {"org.apache.spark.SparkUpgradeException", "java.lang.RuntimeException", "java.lang.Exception",
              "java.lang.Throwable"};
    case SparkExceptionKind::kArrayIndexOutOfBounds:
      return {"org.apache.spark.SparkArrayIndexOutOfBoundsException",
              "java.lang.ArrayIndexOutOfBoundsException", "java.lang.IndexOutOfBoundsException",
              "java.lang.RuntimeException", "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kNoSuchElement:
      return {"org.apache.spark.SparkNoSuchElementException", "java.util.NoSuchElementException",
              "java.lang.RuntimeException", "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kSql:
      return {"org.apache.spark.sql.SparkSQLException", "java.sql.SQLException", "java.lang.Exception",
              "java.lang.Throwable"};
    case SparkExceptionKind::kOutOfMemory:
      return {"org.apache.spark.memory.SparkOutOfMemoryError", "java.lang.OutOfMemoryError",
              "java.lang.VirtualMachineError", "java.lang.Error", "java.lang.Throwable"};
    case SparkExceptionKind::kInternal:
      return {"org.apache.spark.SparkException", "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kClassNotFound:
      return {"org.apache.spark.SparkClassNotFoundException", "java.lang.ClassNotFoundException",
              "java.lang.ReflectiveOperationException", "java.lang.Exception", "java.lang.Throwable"};
    case SparkExceptionKind::kInvalidPlanInput:
      return {"org.apache.spark.sql.connect.common.InvalidPlanInput", "org.apache.spark.SparkException",
              "java.lang.Exception", "java.lang.Throwable"};
  }
  return {"java.lang.Exception"};
}

std::string FormatSparkMessage(const std::string& error_class, const MessageParameters& params) {
  // No error class: a plain JVM exception (a failed `require`), its text in "message".
  if (error_class.empty()) return params.empty() ? std::string() : params.front().second;
  const ErrorCondition* condition = FindErrorCondition(error_class);
  if (condition == nullptr) {
    std::string text = "[" + error_class + "]";
    for (const auto& [key, value] : params) text += " " + key + "=" + value;
    return text;
  }
  std::string text = condition->message_template;
  for (const auto& [key, value] : params) {
    const std::string placeholder = "<" + key + ">";
    for (size_t pos = text.find(placeholder); pos != std::string::npos;
         pos = text.find(placeholder, pos + value.size())) {
      text.replace(pos, placeholder.size(), value);
    }
  }
  std::string message = "[" + error_class + "] " + text;
  if (std::strlen(condition->sql_state) > 0) {
    message += " SQLSTATE: ";
    message += condition->sql_state;
  }
  return message;
}

Status SparkError(SparkExceptionKind kind, const std::string& error_class, MessageParameters params) {
  const ErrorCondition* condition = FindErrorCondition(error_class);
  std::string sql_state = condition ? condition->sql_state : "";
  std::string message = FormatSparkMessage(error_class, params);
  auto detail = std::make_shared<SparkErrorDetail>(kind, error_class, std::move(params),
                                                   std::move(sql_state));
  arrow::StatusCode code = arrow::StatusCode::ExecutionError;
  if (kind == SparkExceptionKind::kAnalysis || kind == SparkExceptionKind::kParse) {
    code = arrow::StatusCode::Invalid;
  } else if (kind == SparkExceptionKind::kInternal) {
    code = arrow::StatusCode::UnknownError;
  } else if (kind == SparkExceptionKind::kUnsupported) {
    code = arrow::StatusCode::NotImplemented;
  }
  return Status(code, std::move(message), std::move(detail));
}

Status Unsupported(const std::string& what) {
  // Spark's UNSUPPORTED_FEATURE has no generic subclass; sk8 names the missing piece.
  auto detail = std::make_shared<SparkErrorDetail>(SparkExceptionKind::kUnsupported,
                                                   "UNSUPPORTED_FEATURE.SK8",
                                                   MessageParameters{{"what", what}}, "0A000");
  return Status(arrow::StatusCode::NotImplemented,
                "[UNSUPPORTED_FEATURE.SK8] UNSUPPORTED: " + what +
                    " is not supported by sk8 yet. SQLSTATE: 0A000",
                std::move(detail));
}

Status InternalError(const std::string& message) {
  return SparkError(SparkExceptionKind::kInternal, "INTERNAL_ERROR", {{"message", message}});
}

const SparkErrorDetail* GetSparkError(const Status& status) {
  const auto& detail = status.detail();
  if (detail && std::strcmp(detail->type_id(), "sk8::SparkErrorDetail") == 0) {
    return static_cast<const SparkErrorDetail*>(detail.get());
  }
  return nullptr;
}

std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "`";
  for (char c : name) {
    if (c == '`') quoted += '`';
    quoted += c;
  }
  return quoted + "`";
}

std::string QuoteNameParts(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += ".";
    out += QuoteIdentifier(parts[i]);
  }
  return out;
}

}  // namespace sk8
