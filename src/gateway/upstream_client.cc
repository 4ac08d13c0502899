#include "gateway/upstream_client.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace sk8::gateway {

namespace proto = spark::connect;

UpstreamClient::UpstreamClient(UpstreamUrl url) : url_(std::move(url)) {
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      url_.use_ssl ? grpc::SslCredentials(grpc::SslCredentialsOptions()) : grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);  // Arrow batches: Spark sends up to its own limits
  args.SetMaxSendMessageSize(-1);
  // Notice a dead upstream within seconds on an idle connection too.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  // A restarted upstream is found again quickly.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  channel_ = grpc::CreateCustomChannel(url_.target(), credentials, args);
  stub_ = proto::SparkConnectService::NewStub(channel_);
}

void UpstreamClient::Prepare(grpc::ClientContext* context, std::optional<std::chrono::milliseconds> timeout) const {
  if (!url_.token.empty()) context->AddMetadata("authorization", "Bearer " + url_.token);
  if (timeout) context->set_deadline(std::chrono::system_clock::now() + *timeout);
  // Fail fast while the upstream is down, instead of queueing the call.
  context->set_wait_for_ready(false);
}

Status UpstreamClient::Unreachable(const std::string& why) const {
  // Spark's CONNECT class (SQLSTATE 56K00) with sk8's subclass: the client
  // raises a SparkConnect error whose message says what to check.
  const std::string message =
      "[CONNECT.SK8_UPSTREAM_UNAVAILABLE] The upstream Spark Connect server " + url_.ToDisplayString() +
      " (sk8.upstream.url) failed: " + why +
      ". Check that it runs and listens there, the network (Service, NetworkPolicy) between sk8 and it, and "
      "its token/TLS settings; see docs/runbooks/upstream-down.md. SQLSTATE: 56K00";
  auto detail = std::make_shared<SparkErrorDetail>(SparkExceptionKind::kRuntime, "CONNECT.SK8_UPSTREAM_UNAVAILABLE",
                                                   MessageParameters{{"upstream", url_.ToDisplayString()},
                                                                     {"reason", why}},
                                                   "56K00");
  return Status(arrow::StatusCode::IOError, message, std::move(detail));
}

Status UpstreamClient::CheckReachable(std::chrono::milliseconds timeout) {
  if (channel_->WaitForConnected(std::chrono::system_clock::now() + timeout)) return Status::OK();
  return Unreachable("no connection within " + std::to_string(timeout.count()) + " ms");
}

Status UpstreamClient::EnsureConnected() {
  if (channel_->GetState(/*try_to_connect=*/true) == GRPC_CHANNEL_READY) return Status::OK();
  return CheckReachable(kConnectTimeout);
}

std::optional<Status> UpstreamClient::TransportFailure(const grpc::Status& status) const {
  if (status.ok() || status.error_code() == grpc::StatusCode::CANCELLED) return std::nullopt;
  // Spark's own errors carry a google.rpc.Status with an ErrorInfo; what comes
  // without one is gRPC's (connection refused, reset, deadline).
  bool from_grpc = status.error_details().empty() || status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                   status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  if (!from_grpc) return std::nullopt;
  return Unreachable(status.error_message().empty() ? "gRPC status " + std::to_string(status.error_code())
                                                    : status.error_message());
}

grpc::Status ForwardResponseStream(grpc::ServerContext* server_context,
                                   grpc::ServerWriter<proto::ExecutePlanResponse>* writer,
                                   grpc::ClientContext* upstream_context,
                                   grpc::ClientReaderInterface<proto::ExecutePlanResponse>* reader,
                                   const std::function<void(proto::ExecutePlanResponse*)>& rewrite,
                                   bool* saw_result_complete) {
  // Read() blocks while the upstream computes: a watcher turns the client's
  // cancellation (it went away, or interrupted by closing) into the upstream's.
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  std::thread watcher([&] {
    std::unique_lock<std::mutex> lock(mutex);
    while (!done) {
      if (server_context->IsCancelled()) {
        upstream_context->TryCancel();
        return;
      }
      cv.wait_for(lock, std::chrono::milliseconds(50));
    }
  });
  proto::ExecutePlanResponse response;
  bool client_gone = false;
  *saw_result_complete = false;
  while (reader->Read(&response)) {
    if (response.has_result_complete()) *saw_result_complete = true;
    rewrite(&response);
    if (!writer->Write(response)) {
      client_gone = true;
      upstream_context->TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  cv.notify_all();
  watcher.join();
  if (client_gone) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
  return status;
}

}  // namespace sk8::gateway
