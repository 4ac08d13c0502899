#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/spark_error.h"
#include "gateway/upstream_client.h"
#include "spark/connect/base.pb.h"

namespace sk8::gateway {

/// An artifact of the sk8 session by name (cache/<hash> for cached local
/// relations), or null.
using ArtifactLookup = std::function<std::shared_ptr<const std::string>(const std::string&)>;

/// The upstream half of one sk8 session: the upstream session's id (created
/// lazily by the first call that uses it), the operations that run there, and
/// the session state that must follow a plan upstream (the client's confs,
/// temp views and current database, uploaded local relations).
class UpstreamSession {
 public:
  explicit UpstreamSession(std::string upstream_session_id) : session_id_(std::move(upstream_session_id)) {}

  const std::string& session_id() const { return session_id_; }
  /// True once a call reached (or tried to reach) the upstream session.
  bool started() const;

  void AddOperation(const std::string& operation_id);
  bool HasOperation(const std::string& operation_id) const;
  void RemoveOperation(const std::string& operation_id);

  /// A conf the client set (value) or unset (nullopt) in sk8: sent before the
  /// next upstream call. `already_upstream`: the call itself went there.
  void RecordConf(const std::string& key, std::optional<std::string> value, bool already_upstream);
  /// A command that changes session state (a temp view, USE db) that ran in
  /// sk8: replayed upstream, in order, before the next upstream call.
  void RecordStateCommand(spark::connect::Command command);

  /// The upstream's server-side session id seen in a response. A new one means
  /// the upstream lost the session (it restarted): all state is sent again.
  void ObserveServerSideSessionId(const std::string& id);

  /// Sends what the upstream session lacks before `plan` runs there: pending
  /// confs, state commands, and the cached local relations (artifacts) that
  /// the commands and the plan use. Failures of replayed state are logged, not
  /// returned (the plan's own error says more); an unreachable upstream is returned.
  Status Sync(UpstreamClient& client, const spark::connect::UserContext& user, const std::string& client_type,
              const ArtifactLookup& artifacts, const spark::connect::Plan* plan);

 private:
  Status UploadArtifacts(UpstreamClient& client, const spark::connect::UserContext& user,
                         const std::string& client_type, const ArtifactLookup& artifacts,
                         const google::protobuf::Message& message);

  const std::string session_id_;
  mutable std::mutex mutex_;
  bool started_ = false;
  std::set<std::string> operations_;
  std::map<std::string, std::optional<std::string>> pending_confs_;
  std::vector<spark::connect::Command> pending_commands_;
  std::set<std::string> uploaded_artifacts_;
  // Everything recorded, to replay into an upstream session that was lost.
  std::map<std::string, std::optional<std::string>> all_confs_;
  std::vector<spark::connect::Command> all_commands_;
  std::string server_side_session_id_;
  std::mutex sync_mutex_;  // one Sync at a time per session, so state arrives in order
};

/// Names of the artifacts (cache/<hash>) of every (Chunked)CachedLocalRelation in a message.
void FindCachedLocalRelations(const google::protobuf::Message& message, std::set<std::string>* names);

/// Sum of the sizes of the files the plan's data sources read (Read.DataSource
/// paths on a local or mounted filesystem); -1 when a source is not a local path.
int64_t EstimateInputBytes(const google::protobuf::Message& message);

}  // namespace sk8::gateway
