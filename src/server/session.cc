#include "server/session.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include <arrow/util/string.h>

namespace sk8::server {

std::string NewUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

bool IsUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

Status InvalidHandleFormat(const std::string& handle) {
  return SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.FORMAT", {{"handle", handle}});
}

// ---------------------------------------------------------------------------

Operation::Operation(std::string operation_id, std::vector<std::string> tags, bool reattachable,
                     OperationLimits limits)
    : operation_id_(std::move(operation_id)),
      tags_(std::move(tags)),
      reattachable_(reattachable),
      limits_(limits) {}

void Operation::Append(spark::connect::ExecutePlanResponse response) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    response.set_response_id(NewUuid());
    position_of_.emplace(response.response_id(), produced_++);
    auto bytes = static_cast<int64_t>(response.ByteSizeLong());
    buffered_bytes_ += bytes;
    buffer_.push_back({std::move(response), bytes});
  }
  cv_.notify_all();
}

void Operation::Finish(const Status& status) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    status_ = status;
  }
  cv_.notify_all();
}

void Operation::Cancel() {
  cancelled_ = true;
  cv_.notify_all();
}

bool Operation::finished() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return finished_;
}

int64_t Operation::Attach() {
  int64_t ticket;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ticket = ++current_ticket_;
    attached_ = true;
  }
  cv_.notify_all();  // wakes a previous sender so that it sees it was detached
  return ticket;
}

void Operation::Detach(int64_t ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ticket != current_ticket_ || !attached_) return;
  attached_ = false;
  detached_since_ = std::chrono::steady_clock::now();
}

bool Operation::DetachedLongerThan(std::chrono::milliseconds timeout) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !attached_ && std::chrono::steady_clock::now() - detached_since_ > timeout;
}

Operation::NextState Operation::Next(int64_t ticket, int64_t index, std::chrono::milliseconds timeout,
                                     spark::connect::ExecutePlanResponse* out, Status* error) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto ready = [&] { return ticket != current_ticket_ || index < produced_ || finished_; };
  if (!cv_.wait_for(lock, timeout, ready)) return NextState::kWaiting;
  if (ticket != current_ticket_) {
    *error = SparkError(SparkExceptionKind::kSql, "INVALID_CURSOR.DISCONNECTED");
    return NextState::kDetached;
  }
  if (index < first_index_) {
    *error = SparkError(SparkExceptionKind::kSql, "INVALID_CURSOR.POSITION_NOT_AVAILABLE",
                        {{"index", std::to_string(index)}, {"responseId", "released"}});
    return NextState::kFailed;
  }
  if (index < produced_) {
    *out = buffer_[index - first_index_].response;
    if (reattachable_) {
      // Keep sent responses backwards from index - 1 until they fill the retry
      // buffer plus what may still be in transit; older ones cannot be asked
      // for again by a well-behaved client.
      int64_t keep_from = index;
      int64_t kept_bytes = 0;
      while (keep_from > first_index_ && kept_bytes < limits_.retry_buffer_bytes + limits_.in_flight_bytes) {
        --keep_from;
        kept_bytes += buffer_[keep_from - first_index_].bytes;
      }
      DropFrontLocked(keep_from);
    }
    return NextState::kResponse;
  }
  if (!status_.ok()) {
    *error = status_;
    return NextState::kFailed;
  }
  return NextState::kFinished;
}

Result<int64_t> Operation::PositionAfter(const std::string& response_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = position_of_.find(response_id);
  if (it == position_of_.end()) {
    return SparkError(SparkExceptionKind::kSql, "INVALID_CURSOR.POSITION_NOT_FOUND", {{"responseId", response_id}});
  }
  return it->second + 1;
}

int64_t Operation::first_buffered() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return first_index_;
}

int64_t Operation::buffered_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return buffered_bytes_;
}

void Operation::DropFrontLocked(int64_t until_index) {
  while (first_index_ < until_index && !buffer_.empty()) {
    buffered_bytes_ -= buffer_.front().bytes;
    buffer_.pop_front();
    ++first_index_;
  }
}

void Operation::ReleaseUntil(const std::string& response_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = position_of_.find(response_id);
  if (it != position_of_.end()) DropFrontLocked(it->second + 1);
}

void Operation::ReleaseBefore(int64_t index) {
  std::lock_guard<std::mutex> lock(mutex_);
  DropFrontLocked(index);
}

void Operation::ReleaseAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  DropFrontLocked(produced_);
  buffer_.shrink_to_fit();
}

// ---------------------------------------------------------------------------

Session::Session(std::string user_id, std::string session_id, std::map<std::string, std::string> conf_defaults,
                 std::shared_ptr<catalog::SharedCatalog> shared_catalog)
    : user_id_(std::move(user_id)),
      session_id_(std::move(session_id)),
      server_side_session_id_(NewUuid()),
      conf_(std::move(conf_defaults)),
      catalog_(std::move(shared_catalog)),
      memory_(std::make_shared<MemoryTracker>("session", kNoMemoryLimit, ServerMemoryTracker())) {}

std::shared_ptr<MemoryTracker> Session::QueryMemory() {
  memory_->set_limit(conf_.memory_limit());
  return memory_;
}

namespace {
// Who current_user() is when the client sent no user id: as Spark, the user the
// server runs as (SPARK_USER overrides it).
std::string ServerUserName() {
  if (const char* spark_user = std::getenv("SPARK_USER"); spark_user && *spark_user) return spark_user;
  if (const passwd* entry = getpwuid(geteuid()); entry && entry->pw_name) return entry->pw_name;
  return "";
}
}  // namespace

plan::EvalContext Session::MakeEvalContext() const {
  plan::EvalContext ctx;
  ctx.session_time_zone = conf_.session_time_zone();
  ctx.ansi = conf_.ansi_enabled();
  if (auto limit = conf_.GetOption("spark.sql.cteRecursionLevelLimit")) {
    try {
      ctx.cte_recursion_level_limit = std::stoll(*limit);
    } catch (const std::exception&) {
      // Spark refuses a non-integer value when it is set; keep the default here.
    }
  }
  ctx.map_key_last_win = arrow::internal::AsciiEqualsCaseInsensitive(
      conf_.GetOption("spark.sql.mapKeyDedupPolicy").value_or(""), "LAST_WIN");
  ctx.current_user = user_id_.empty() ? ServerUserName() : user_id_;
  return ctx;
}

Status Session::AddOperation(const std::shared_ptr<Operation>& op) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (operations_.count(op->operation_id())) {
    return SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.OPERATION_ALREADY_EXISTS",
                      {{"handle", op->operation_id()}});
  }
  operations_[op->operation_id()] = op;
  return Status::OK();
}

std::shared_ptr<Operation> Session::FindOperation(const std::string& operation_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = operations_.find(operation_id);
  return it == operations_.end() ? nullptr : it->second;
}

void Session::RemoveOperation(const std::string& operation_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  operations_.erase(operation_id);
}

void Session::AbandonOperation(const std::shared_ptr<Operation>& op) {
  constexpr size_t kMaxTombstones = 10000;  // Spark's abandonedTombstonesSize
  op->Cancel();
  op->ReleaseAll();
  std::lock_guard<std::mutex> lock(mutex_);
  operations_.erase(op->operation_id());
  abandoned_.push_back(op->operation_id());
  while (abandoned_.size() > kMaxTombstones) abandoned_.pop_front();
}

bool Session::WasAbandoned(const std::string& operation_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::find(abandoned_.rbegin(), abandoned_.rend(), operation_id) != abandoned_.rend();
}

std::vector<std::shared_ptr<Operation>> Session::Operations() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<Operation>> out;
  for (auto& [id, op] : operations_) out.push_back(op);
  return out;
}

std::string Session::RememberError(const Status& status) {
  constexpr size_t kMaxErrors = 64;
  std::string id = NewUuid();
  std::lock_guard<std::mutex> lock(mutex_);
  errors_.emplace_back(id, status);
  while (errors_.size() > kMaxErrors) errors_.pop_front();
  return id;
}

std::optional<Status> Session::FindError(const std::string& error_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [id, status] : errors_) {
    if (id == error_id) return status;
  }
  return std::nullopt;
}

void Session::PutArtifact(const std::string& name, std::string data) {
  std::lock_guard<std::mutex> lock(mutex_);
  artifacts_[name] = std::make_shared<const std::string>(std::move(data));
}

std::shared_ptr<const std::string> Session::FindArtifact(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = artifacts_.find(name);
  return it == artifacts_.end() ? nullptr : it->second;
}

std::string Session::PutCachedRelation(plan::PlanPtr relation) {
  std::string id = NewUuid();
  std::lock_guard<std::mutex> lock(mutex_);
  cached_relations_[id] = std::move(relation);
  return id;
}

plan::PlanPtr Session::FindCachedRelation(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cached_relations_.find(id);
  return it == cached_relations_.end() ? nullptr : it->second;
}

void Session::RemoveCachedRelation(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  cached_relations_.erase(id);
}

void Session::SetStorageLevel(const std::string& plan_key, std::optional<spark::connect::StorageLevel> level) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (level) {
    storage_levels_[plan_key] = *level;
  } else {
    storage_levels_.erase(plan_key);
  }
}

std::optional<spark::connect::StorageLevel> Session::FindStorageLevel(const std::string& plan_key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = storage_levels_.find(plan_key);
  if (it == storage_levels_.end()) return std::nullopt;
  return it->second;
}

// ---------------------------------------------------------------------------

namespace {
std::shared_ptr<catalog::SharedCatalog> MakeSharedCatalog(const std::map<std::string, std::string>& conf) {
  auto it = conf.find(catalog::kWarehouseDirKey);
  std::string dir = it == conf.end() ? catalog::kDefaultWarehouseDir : it->second;
  if (dir.rfind("file://", 0) == 0) dir = dir.substr(7);
  if (dir.rfind("file:", 0) == 0) dir = dir.substr(5);
  return std::make_shared<catalog::SharedCatalog>(dir);
}

std::map<std::string, std::string> WithWarehouse(std::map<std::string, std::string> conf, const std::string& root) {
  conf[catalog::kWarehouseDirKey] = "file:" + root;
  return conf;
}
}  // namespace

SessionManager::SessionManager(std::map<std::string, std::string> conf_defaults)
    : shared_catalog_(MakeSharedCatalog(conf_defaults)),
      conf_defaults_(WithWarehouse(std::move(conf_defaults), shared_catalog_->warehouse.root())) {}

Result<std::shared_ptr<Session>> SessionManager::GetOrCreate(const std::string& user_id, const std::string& session_id,
                                                             const std::string* observed) {
  if (!IsUuid(session_id)) return InvalidHandleFormat(session_id);
  std::lock_guard<std::mutex> lock(mutex_);
  auto key = std::make_pair(user_id, session_id);
  auto it = sessions_.find(key);
  if (it != sessions_.end()) {
    if (observed && *observed != it->second->server_side_session_id()) {
      return SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.SESSION_CHANGED", {{"handle", session_id}});
    }
    it->second->Touch();
    return it->second;
  }
  if (closed_.count(key)) {
    return SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.SESSION_CLOSED", {{"handle", session_id}});
  }
  if (observed) {
    // The client saw a server-side session this server does not have (restart).
    return SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.SESSION_CHANGED", {{"handle", session_id}});
  }
  auto session = std::make_shared<Session>(user_id, session_id, conf_defaults_, shared_catalog_);
  sessions_[key] = session;
  return session;
}

Result<std::shared_ptr<Session>> SessionManager::Get(const std::string& user_id, const std::string& session_id,
                                                     const std::string* observed) {
  if (!IsUuid(session_id)) return InvalidHandleFormat(session_id);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find({user_id, session_id});
  if (it == sessions_.end()) {
    return SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.SESSION_NOT_FOUND", {{"handle", session_id}});
  }
  if (observed && *observed != it->second->server_side_session_id()) {
    return SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.SESSION_CHANGED", {{"handle", session_id}});
  }
  it->second->Touch();
  return it->second;
}

Result<std::shared_ptr<Session>> SessionManager::Release(const std::string& user_id, const std::string& session_id) {
  if (!IsUuid(session_id)) return InvalidHandleFormat(session_id);
  std::lock_guard<std::mutex> lock(mutex_);
  auto key = std::make_pair(user_id, session_id);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) {
    return SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.SESSION_NOT_FOUND", {{"handle", session_id}});
  }
  auto session = it->second;
  sessions_.erase(it);
  closed_[key] = session->server_side_session_id();
  for (auto& op : session->Operations()) op->Cancel();
  return session;
}

size_t SessionManager::ExpireIdle(std::chrono::seconds idle) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  size_t removed = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    bool busy = false;
    for (auto& op : it->second->Operations()) busy |= !op->finished();
    if (!busy && now - it->second->last_access() > idle) {
      closed_[it->first] = it->second->server_side_session_id();
      it = sessions_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

std::vector<std::shared_ptr<Session>> SessionManager::All() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<Session>> out;
  for (auto& [key, session] : sessions_) out.push_back(session);
  return out;
}

std::shared_ptr<gateway::UpstreamSession> Session::upstream() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!upstream_) upstream_ = std::make_shared<gateway::UpstreamSession>(NewUuid());
  return upstream_;
}

std::shared_ptr<gateway::UpstreamSession> Session::started_upstream() {
  std::lock_guard<std::mutex> lock(mutex_);
  return upstream_ && upstream_->started() ? upstream_ : nullptr;
}

}  // namespace sk8::server
