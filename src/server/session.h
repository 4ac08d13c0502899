#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/catalog.h"
#include "plan/bound_expression.h"
#include "server/spark_conf.h"
#include "spark/connect/base.pb.h"

namespace sk8::server {

class Session;

/// One ExecutePlan: runs on its own thread and appends responses to a buffer
/// that senders (the ExecutePlan stream, later ReattachExecute streams) read.
/// Responses stay until the client releases them, so a dropped stream can
/// resume from the last response it saw without loss or repeats.
class Operation {
 public:
  Operation(std::string operation_id, std::vector<std::string> tags, bool reattachable);

  const std::string& operation_id() const { return operation_id_; }
  const std::vector<std::string>& tags() const { return tags_; }
  bool reattachable() const { return reattachable_; }

  /// Appends a response and assigns it a response id (under the lock).
  void Append(spark::connect::ExecutePlanResponse response);
  /// Marks the end of the operation: `status` is its outcome.
  void Finish(const Status& status);
  void Cancel();
  bool cancelled() const { return cancelled_.load(); }
  const std::atomic<bool>* cancelled_flag() const { return &cancelled_; }

  enum class NextState { kResponse, kWaiting, kFinished, kFailed };
  /// The response at sequence position `index`, waiting up to `timeout`.
  NextState Next(int64_t index, std::chrono::milliseconds timeout, spark::connect::ExecutePlanResponse* out,
                 Status* error);
  /// Position after the response with this id; nullopt when it is unknown or released.
  std::optional<int64_t> PositionAfter(const std::string& response_id);
  /// First position still buffered (0 until something is released).
  int64_t first_buffered() const;
  /// Drops buffered responses up to and including `response_id`.
  void ReleaseUntil(const std::string& response_id);
  /// Drops responses the non-reattachable sender has already sent.
  void ReleaseBefore(int64_t index);
  bool finished() const;

  std::chrono::steady_clock::time_point created() const { return created_; }
  void Touch() { last_activity_ = std::chrono::steady_clock::now(); }
  std::chrono::steady_clock::time_point last_activity() const { return last_activity_; }

 private:
  const std::string operation_id_;
  const std::vector<std::string> tags_;
  const bool reattachable_;
  std::atomic<bool> cancelled_{false};
  std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
  std::atomic<std::chrono::steady_clock::time_point> last_activity_{std::chrono::steady_clock::now()};

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<spark::connect::ExecutePlanResponse> buffer_;
  int64_t first_index_ = 0;  // sequence position of buffer_.front()
  bool finished_ = false;
  Status status_;
};

/// Everything a client session owns: configuration, temporary views, artifacts,
/// running operations and recent errors (for FetchErrorDetails).
class Session {
 public:
  Session(std::string user_id, std::string session_id);

  const std::string& user_id() const { return user_id_; }
  const std::string& session_id() const { return session_id_; }
  const std::string& server_side_session_id() const { return server_side_session_id_; }

  SparkConf& conf() { return conf_; }
  analyzer::SessionCatalog& catalog() { return catalog_; }
  plan::EvalContext MakeEvalContext() const;

  Status AddOperation(const std::shared_ptr<Operation>& op);
  std::shared_ptr<Operation> FindOperation(const std::string& operation_id);
  void RemoveOperation(const std::string& operation_id);
  std::vector<std::shared_ptr<Operation>> Operations();

  /// Remembers a failed operation's error under a new id and returns the id.
  std::string RememberError(const Status& status);
  std::optional<Status> FindError(const std::string& error_id);

  void PutArtifact(const std::string& name, std::string data);
  std::shared_ptr<const std::string> FindArtifact(const std::string& name);

  void Touch() { last_access_ = std::chrono::steady_clock::now(); }
  std::chrono::steady_clock::time_point last_access() const { return last_access_; }

 private:
  const std::string user_id_;
  const std::string session_id_;
  const std::string server_side_session_id_;
  SparkConf conf_;
  analyzer::SessionCatalog catalog_;
  std::atomic<std::chrono::steady_clock::time_point> last_access_{std::chrono::steady_clock::now()};

  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Operation>> operations_;
  std::deque<std::pair<std::string, Status>> errors_;
  std::map<std::string, std::shared_ptr<const std::string>> artifacts_;
};

/// Sessions keyed by (user id, session id).
class SessionManager {
 public:
  /// The session, created on first use. Checks the id format and that the
  /// client still talks to the same server-side session.
  Result<std::shared_ptr<Session>> GetOrCreate(const std::string& user_id, const std::string& session_id,
                                               const std::string* observed_server_side_id);
  /// An existing session only (SESSION_NOT_FOUND otherwise).
  Result<std::shared_ptr<Session>> Get(const std::string& user_id, const std::string& session_id,
                                       const std::string* observed_server_side_id);
  Result<std::shared_ptr<Session>> Release(const std::string& user_id, const std::string& session_id);
  /// Removes sessions idle for longer than `idle`; returns how many.
  size_t ExpireIdle(std::chrono::seconds idle);
  std::vector<std::shared_ptr<Session>> All();

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Session>> sessions_;
  std::map<std::pair<std::string, std::string>, std::string> closed_;  // -> server-side id
};

std::string NewUuid();
bool IsUuid(const std::string& text);
Status InvalidHandleFormat(const std::string& handle);

}  // namespace sk8::server
