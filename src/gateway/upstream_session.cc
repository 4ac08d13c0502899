#include "gateway/upstream_session.h"

#include <zlib.h>

#include <filesystem>

#include "common/logging.h"

namespace sk8::gateway {

namespace proto = spark::connect;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

namespace {

// Visits every message nested in `message` (fields that are set only).
void VisitMessages(const Message& message, const std::function<void(const Message&)>& visit) {
  visit(message);
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        VisitMessages(reflection->GetRepeatedMessage(message, field, i), visit);
      }
    } else {
      VisitMessages(reflection->GetMessage(message, field), visit);
    }
  }
}

template <typename Request>
void Address(Request* request, const std::string& session_id, const proto::UserContext& user,
             const std::string& client_type) {
  request->set_session_id(session_id);
  *request->mutable_user_context() = user;
  if (!client_type.empty()) request->set_client_type(client_type);
}

}  // namespace

void FindCachedLocalRelations(const Message& message, std::set<std::string>* names) {
  VisitMessages(message, [&](const Message& m) {
    if (m.GetDescriptor() == proto::CachedLocalRelation::descriptor()) {
      names->insert("cache/" + static_cast<const proto::CachedLocalRelation&>(m).hash());
    } else if (m.GetDescriptor() == proto::ChunkedCachedLocalRelation::descriptor()) {
      // Spark 4.1 clients: one artifact per Arrow batch, and one for the schema.
      const auto& chunked = static_cast<const proto::ChunkedCachedLocalRelation&>(m);
      for (const auto& hash : chunked.datahashes()) names->insert("cache/" + hash);
      if (chunked.has_schemahash()) names->insert("cache/" + chunked.schemahash());
    }
  });
}

int64_t EstimateInputBytes(const Message& message) {
  int64_t total = 0;
  bool unknown = false;
  VisitMessages(message, [&](const Message& m) {
    if (m.GetDescriptor() != proto::Read::DataSource::descriptor()) return;
    for (const auto& path : static_cast<const proto::Read::DataSource&>(m).paths()) {
      std::string local = path.rfind("file:", 0) == 0 ? path.substr(5) : path;
      if (local.find("://") != std::string::npos) {
        unknown = true;  // object stores: no listing here
        continue;
      }
      std::error_code error;
      std::filesystem::path p(local);
      if (std::filesystem::is_regular_file(p, error)) {
        total += static_cast<int64_t>(std::filesystem::file_size(p, error));
      } else if (std::filesystem::is_directory(p, error)) {
        for (auto it = std::filesystem::recursive_directory_iterator(p, error);
             !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
          if (it->is_regular_file(error)) total += static_cast<int64_t>(it->file_size(error));
        }
      }
    }
  });
  return unknown && total == 0 ? -1 : total;
}

bool UpstreamSession::started() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return started_;
}

void UpstreamSession::AddOperation(const std::string& operation_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  started_ = true;
  operations_.insert(operation_id);
}

bool UpstreamSession::HasOperation(const std::string& operation_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return operations_.count(operation_id) > 0;
}

void UpstreamSession::RemoveOperation(const std::string& operation_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  operations_.erase(operation_id);
}

void UpstreamSession::RecordConf(const std::string& key, std::optional<std::string> value, bool already_upstream) {
  if (key.rfind("sk8.", 0) == 0) return;  // sk8's own settings mean nothing to Spark
  std::lock_guard<std::mutex> lock(mutex_);
  all_confs_[key] = value;
  if (already_upstream) {
    started_ = true;
    pending_confs_.erase(key);
  } else {
    pending_confs_[key] = std::move(value);
  }
}

void UpstreamSession::RecordStateCommand(proto::Command command) {
  std::lock_guard<std::mutex> lock(mutex_);
  all_commands_.push_back(command);
  pending_commands_.push_back(std::move(command));
}

void UpstreamSession::ObserveServerSideSessionId(const std::string& id) {
  if (id.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (server_side_session_id_.empty()) {
    server_side_session_id_ = id;
    return;
  }
  if (id == server_side_session_id_) return;
  server_side_session_id_ = id;
  LogWarn("upstream session was lost (the upstream restarted?): its state is sent again",
          {{"upstream_session", session_id_}, {"server_side_session", id}});
  pending_confs_ = all_confs_;
  pending_commands_ = all_commands_;
  uploaded_artifacts_.clear();
}

Status UpstreamSession::UploadArtifacts(UpstreamClient& client, const proto::UserContext& user,
                                        const std::string& client_type, const ArtifactLookup& artifacts,
                                        const Message& message) {
  std::set<std::string> names;
  FindCachedLocalRelations(message, &names);
  proto::AddArtifactsRequest request;
  for (const auto& name : names) {
    if (uploaded_artifacts_.count(name)) continue;
    auto data = artifacts(name);
    if (!data) continue;  // the plan's own error (unknown hash) comes from Spark
    auto* artifact = request.mutable_batch()->add_artifacts();
    artifact->set_name(name);
    artifact->mutable_data()->set_data(*data);
    artifact->mutable_data()->set_crc(static_cast<int64_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(data->data()), static_cast<uInt>(data->size()))));
  }
  if (!request.has_batch()) return Status::OK();
  Address(&request, session_id_, user, client_type);
  grpc::ClientContext context;
  client.Prepare(&context, kUpstreamCallTimeout);
  proto::AddArtifactsResponse response;
  auto writer = client.stub().AddArtifacts(&context, &response);
  writer->Write(request);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (auto failure = client.TransportFailure(status)) return *failure;
  if (!status.ok()) {
    LogWarn("upstream refused cached local relations", {{"error", status.error_message()}});
    return Status::OK();
  }
  for (const auto& artifact : request.batch().artifacts()) uploaded_artifacts_.insert(artifact.name());
  return Status::OK();
}

Status UpstreamSession::Sync(UpstreamClient& client, const proto::UserContext& user, const std::string& client_type,
                             const ArtifactLookup& artifacts, const proto::Plan* plan) {
  ARROW_RETURN_NOT_OK(client.EnsureConnected());
  std::lock_guard<std::mutex> sync_lock(sync_mutex_);
  bool has_state = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    has_state = !server_side_session_id_.empty() && (!all_confs_.empty() || !all_commands_.empty());
  }
  if (has_state) {
    // One cheap call tells whether the upstream still has this session (a
    // restarted upstream answers with a new server-side id): if not, the
    // session's state is replayed before the plan runs, not after.
    proto::ConfigRequest probe;
    Address(&probe, session_id_, user, client_type);
    probe.mutable_operation()->mutable_get_option()->add_keys("spark.sql.session.timeZone");
    grpc::ClientContext context;
    client.Prepare(&context, kUpstreamCallTimeout);
    proto::ConfigResponse response;
    grpc::Status status = client.stub().Config(&context, probe, &response);
    if (auto failure = client.TransportFailure(status)) return *failure;
    if (status.ok()) ObserveServerSideSessionId(response.server_side_session_id());
  }
  std::map<std::string, std::optional<std::string>> confs;
  std::vector<proto::Command> commands;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = true;
    confs.swap(pending_confs_);
    commands.swap(pending_commands_);
  }
  // What an unreachable upstream did not get is sent by the next call (values
  // recorded meanwhile are newer and win; re-sending a conf is harmless).
  auto keep_unsent = [&](bool with_confs, size_t commands_sent) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (with_confs) {
      for (auto& [key, value] : confs) pending_confs_.emplace(key, value);
    }
    pending_commands_.insert(pending_commands_.begin(), commands.begin() + static_cast<ptrdiff_t>(commands_sent),
                             commands.end());
  };
  proto::ConfigRequest set, unset;
  for (const auto& [key, value] : confs) {
    if (value) {
      auto* pair = set.mutable_operation()->mutable_set()->add_pairs();
      pair->set_key(key);
      pair->set_value(*value);
    } else {
      unset.mutable_operation()->mutable_unset()->add_keys(key);
    }
  }
  for (auto* request : {&set, &unset}) {
    if (!request->has_operation()) continue;
    // Builder options and confs Spark keeps static are skipped, not fatal.
    if (request->operation().has_set()) request->mutable_operation()->mutable_set()->set_silent(true);
    Address(request, session_id_, user, client_type);
    grpc::ClientContext context;
    client.Prepare(&context, kUpstreamCallTimeout);
    proto::ConfigResponse response;
    grpc::Status status = client.stub().Config(&context, *request, &response);
    if (auto failure = client.TransportFailure(status)) {
      keep_unsent(true, 0);
      return *failure;
    }
    if (!status.ok()) LogWarn("upstream refused a session conf", {{"error", status.error_message()}});
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    const auto& command = commands[i];
    if (auto uploaded = UploadArtifacts(client, user, client_type, artifacts, command); !uploaded.ok()) {
      keep_unsent(false, i);
      return uploaded;
    }
    proto::ExecutePlanRequest request;
    Address(&request, session_id_, user, client_type);
    *request.mutable_plan()->mutable_command() = command;
    grpc::ClientContext context;
    client.Prepare(&context, kUpstreamCallTimeout);
    auto reader = client.stub().ExecutePlan(&context, request);
    proto::ExecutePlanResponse response;
    while (reader->Read(&response)) {
    }
    grpc::Status status = reader->Finish();
    if (auto failure = client.TransportFailure(status)) {
      keep_unsent(false, i);
      return *failure;
    }
    if (!status.ok()) LogWarn("upstream refused replayed session state", {{"error", status.error_message()}});
  }
  if (plan != nullptr) ARROW_RETURN_NOT_OK(UploadArtifacts(client, user, client_type, artifacts, *plan));
  return Status::OK();
}

}  // namespace sk8::gateway
