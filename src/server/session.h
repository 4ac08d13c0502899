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
#include <unordered_map>
#include <vector>

#include "analyzer/catalog.h"
#include "common/memory_pool.h"
#include "gateway/upstream_session.h"
#include "observability/query_profile.h"
#include "plan/bound_expression.h"
#include "server/spark_conf.h"
#include "spark/connect/base.pb.h"

namespace sk8::server {

class Session;

/// How long responses and detached operations are kept: Spark's
/// spark.connect.execute.reattachable.* and spark.connect.execute.manager.* settings.
struct OperationLimits {
  /// Bytes of already-sent responses kept for a client that reattaches after a
  /// dropped stream (observerRetryBufferSize, 10 MiB). The last sent response
  /// is always kept.
  int64_t retry_buffer_bytes = 10LL << 20;
  /// An operation without an attached stream for this long is abandoned:
  /// cancelled, its responses freed, and reattaching answers
  /// INVALID_HANDLE.OPERATION_ABANDONED (detachedTimeout, 5 minutes).
  std::chrono::milliseconds detached_timeout{5 * 60 * 1000};
  /// Sent responses that may still be in transit to the client, kept on top of
  /// the retry buffer. Spark's sender hands gRPC a response only when the call
  /// is ready (a few KiB in flight), so its retry buffer counts back from about
  /// what the client has received; sk8's blocking writes can run ahead by the
  /// HTTP/2 window and socket buffers (and a proxy's), which must not be
  /// mistaken for responses the client has seen.
  int64_t in_flight_bytes = 16LL << 20;
};

/// One ExecutePlan: runs on its own thread and appends responses to a buffer
/// that senders (the ExecutePlan stream, later ReattachExecute streams) read.
///
/// Responses are numbered from 0 in the order they are produced. A response
/// leaves the buffer when the client releases it (ReleaseExecute) or when it
/// was sent and falls outside the retry buffer. The id -> position map keeps
/// every id ever produced, so a client may reattach after any response it has
/// seen, released or not, as Spark's ExecuteResponseObserver allows.
/// What an operation's queries read, returned and cost (metrics, cost
/// attribution); filled by plan execution, read once the operation ends.
struct OperationCounters {
  std::atomic<int64_t> rows_read{0};
  std::atomic<int64_t> bytes_read{0};
  std::atomic<int64_t> cpu_nanos{0};
  std::atomic<int64_t> rows_returned{0};
  std::atomic<int64_t> bytes_returned{0};
};

class Operation {
 public:
  Operation(std::string operation_id, std::vector<std::string> tags, bool reattachable,
            OperationLimits limits = {});

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

  /// A new sender (stream) takes over the operation; a previous one still
  /// attached is detached and ends with INVALID_CURSOR.DISCONNECTED, as in Spark.
  /// Returns the sender's ticket for Next() and Detach().
  int64_t Attach();
  /// The sender with this ticket stopped; starts the detached clock if it was
  /// the current one.
  void Detach(int64_t ticket);
  /// True when no sender is attached and none has been for `timeout`.
  bool DetachedLongerThan(std::chrono::milliseconds timeout) const;
  const OperationLimits& limits() const { return limits_; }

  enum class NextState { kResponse, kWaiting, kFinished, kFailed, kDetached };
  /// The response at sequence position `index` for the sender `ticket`, waiting
  /// up to `timeout`. Handing it out marks everything before it as sent:
  /// sent responses beyond the retry buffer are freed.
  NextState Next(int64_t ticket, int64_t index, std::chrono::milliseconds timeout,
                 spark::connect::ExecutePlanResponse* out, Status* error);
  /// Position right after the response with this id (released or not);
  /// INVALID_CURSOR.POSITION_NOT_FOUND for an id this operation never produced.
  Result<int64_t> PositionAfter(const std::string& response_id) const;
  /// First position still buffered.
  int64_t first_buffered() const;
  /// Drops buffered responses up to and including `response_id`.
  void ReleaseUntil(const std::string& response_id);
  /// Drops responses the non-reattachable sender has already sent.
  void ReleaseBefore(int64_t index);
  /// Frees every buffered response (release_all, abandonment); responses the
  /// execution still appends afterwards are dropped, since nobody will read them.
  void ReleaseAll();
  bool finished() const;
  /// Bytes of responses held in the buffer.
  int64_t buffered_bytes() const;
  /// Peak memory of the query the operation ran (0 for commands), for its log line.
  void set_peak_memory_bytes(int64_t bytes) { peak_memory_bytes_ = bytes; }
  int64_t peak_memory_bytes() const { return peak_memory_bytes_; }
  OperationCounters& counters() { return counters_; }
  /// Its plan, operator rows and step times, for the event log and traces
  /// (profile().collect says whether anyone wants them).
  observability::QueryProfile& profile() { return profile_; }

 private:
  struct Buffered {
    spark::connect::ExecutePlanResponse response;
    int64_t bytes;
  };
  void DropFrontLocked(int64_t until_index);  // drops positions < until_index

  const std::string operation_id_;
  const std::vector<std::string> tags_;
  const bool reattachable_;
  const OperationLimits limits_;
  std::atomic<bool> cancelled_{false};
  std::atomic<int64_t> peak_memory_bytes_{0};
  OperationCounters counters_;
  observability::QueryProfile profile_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Buffered> buffer_;
  int64_t first_index_ = 0;  // sequence position of buffer_.front()
  int64_t produced_ = 0;     // responses appended so far
  int64_t buffered_bytes_ = 0;
  std::unordered_map<std::string, int64_t> position_of_;  // every response id -> position
  int64_t current_ticket_ = 0;                            // 0: no sender has attached yet
  bool attached_ = false;
  std::chrono::steady_clock::time_point detached_since_ = std::chrono::steady_clock::now();
  bool finished_ = false;
  bool closed_ = false;  // ReleaseAll() happened
  Status status_;
};

/// Everything a client session owns: configuration, temporary views, artifacts,
/// running operations and recent errors (for FetchErrorDetails).
class Session {
 public:
  /// `shared_catalog`: the server's databases, tables and global views (null: a
  /// catalog of the session's own over ./spark-warehouse).
  Session(std::string user_id, std::string session_id, std::map<std::string, std::string> conf_defaults = {},
          std::shared_ptr<catalog::SharedCatalog> shared_catalog = nullptr);

  const std::string& user_id() const { return user_id_; }
  const std::string& session_id() const { return session_id_; }
  const std::string& server_side_session_id() const { return server_side_session_id_; }

  SparkConf& conf() { return conf_; }
  analyzer::SessionCatalog& catalog() { return catalog_; }
  plan::EvalContext MakeEvalContext() const;
  /// The session's memory budget (below the server's), its limit refreshed
  /// from sk8.memory.limit: what the session's queries draw from.
  std::shared_ptr<MemoryTracker> QueryMemory();

  Status AddOperation(const std::shared_ptr<Operation>& op);
  std::shared_ptr<Operation> FindOperation(const std::string& operation_id);
  void RemoveOperation(const std::string& operation_id);
  std::vector<std::shared_ptr<Operation>> Operations();
  /// Cancels an operation nobody reattached to in time, frees its responses and
  /// remembers its id so that a late reattach hears OPERATION_ABANDONED.
  void AbandonOperation(const std::shared_ptr<Operation>& op);
  bool WasAbandoned(const std::string& operation_id);

  /// Remembers a failed operation's error under a new id and returns the id.
  std::string RememberError(const Status& status);
  std::optional<Status> FindError(const std::string& error_id);

  void PutArtifact(const std::string& name, std::string data);
  std::shared_ptr<const std::string> FindArtifact(const std::string& name);

  /// checkpoint / localCheckpoint: the materialized rows under the id the
  /// client then sends as a CachedRemoteRelation, until it removes them.
  std::string PutCachedRelation(plan::PlanPtr relation);
  plan::PlanPtr FindCachedRelation(const std::string& id);
  void RemoveCachedRelation(const std::string& id);

  /// persist / cache: the storage level of each persisted plan (by its
  /// canonical text); sk8 recomputes persisted plans, with the same answers.
  void SetStorageLevel(const std::string& plan_key, std::optional<spark::connect::StorageLevel> level);
  std::optional<spark::connect::StorageLevel> FindStorageLevel(const std::string& plan_key);

  /// CPU time and bytes scanned by the session's queries so far (per-session metrics).
  void AddUsage(int64_t cpu_nanos, int64_t bytes_scanned) {
    cpu_nanos_ += cpu_nanos;
    bytes_scanned_ += bytes_scanned;
  }
  int64_t cpu_nanos() const { return cpu_nanos_.load(); }
  int64_t bytes_scanned() const { return bytes_scanned_.load(); }

  /// The session's upstream half (scale-out gateway), created on first use.
  std::shared_ptr<gateway::UpstreamSession> upstream();
  /// The upstream half if a call went upstream already, else null.
  std::shared_ptr<gateway::UpstreamSession> started_upstream();

  void Touch() { last_access_ = std::chrono::steady_clock::now(); }
  std::chrono::steady_clock::time_point last_access() const { return last_access_; }

 private:
  const std::string user_id_;
  const std::string session_id_;
  const std::string server_side_session_id_;
  SparkConf conf_;
  analyzer::SessionCatalog catalog_;
  const std::shared_ptr<MemoryTracker> memory_;
  std::atomic<std::chrono::steady_clock::time_point> last_access_{std::chrono::steady_clock::now()};
  std::atomic<int64_t> cpu_nanos_{0};
  std::atomic<int64_t> bytes_scanned_{0};

  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Operation>> operations_;
  std::deque<std::pair<std::string, Status>> errors_;
  std::deque<std::string> abandoned_;  // most recent last, bounded like Spark's tombstones
  std::map<std::string, std::shared_ptr<const std::string>> artifacts_;
  std::map<std::string, plan::PlanPtr> cached_relations_;
  std::map<std::string, spark::connect::StorageLevel> storage_levels_;
  std::shared_ptr<gateway::UpstreamSession> upstream_;
};

/// Sessions keyed by (user id, session id).
class SessionManager {
 public:
  /// `conf_defaults`: every new session's initial configuration.
  /// The warehouse directory is spark.sql.warehouse.dir of `conf_defaults`
  /// (`sk8 serve --conf`), by default ./spark-warehouse; sessions read it as
  /// Spark shows it, an absolute file: URI.
  explicit SessionManager(std::map<std::string, std::string> conf_defaults = {});

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
  const std::shared_ptr<catalog::SharedCatalog> shared_catalog_;
  const std::map<std::string, std::string> conf_defaults_;
};

std::string NewUuid();
bool IsUuid(const std::string& text);
Status InvalidHandleFormat(const std::string& handle);

}  // namespace sk8::server
