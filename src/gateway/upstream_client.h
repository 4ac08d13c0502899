#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "common/spark_error.h"
#include "gateway/upstream_url.h"
#include "spark/connect/base.grpc.pb.h"

namespace sk8::gateway {

/// Unary calls upstream (Config, AnalyzePlan, Interrupt, ...) give up after this:
/// a stuck upstream must not hang a client. Result streams have no deadline.
constexpr std::chrono::seconds kUpstreamCallTimeout{60};

/// A gRPC client of the upstream Spark Connect server: one channel shared by
/// every session (HTTP/2 multiplexes their calls).
class UpstreamClient {
 public:
  explicit UpstreamClient(UpstreamUrl url);

  const UpstreamUrl& url() const { return url_; }
  spark::connect::SparkConnectService::Stub& stub() { return *stub_; }

  /// Adds the upstream's token and, when given, a deadline to a call.
  void Prepare(grpc::ClientContext* context, std::optional<std::chrono::milliseconds> timeout) const;

  /// Waits up to `timeout` for a connection: OK, or the error naming the
  /// upstream and what to check.
  Status CheckReachable(std::chrono::milliseconds timeout);

  /// Connects now if the channel is not connected (after the upstream restarted,
  /// gRPC would otherwise fail calls until its reconnect backoff ends), waiting
  /// up to kConnectTimeout: OK, or the error naming the upstream.
  Status EnsureConnected();
  static constexpr std::chrono::seconds kConnectTimeout{5};

  /// The error a client gets when the upstream itself failed (not reachable,
  /// connection lost, deadline): nullopt for Spark's own errors, which pass
  /// through unchanged.
  std::optional<Status> TransportFailure(const grpc::Status& status) const;
  /// The same error from a message (sk8 found the upstream unusable).
  Status Unreachable(const std::string& why) const;

 private:
  const UpstreamUrl url_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<spark::connect::SparkConnectService::Stub> stub_;
};

/// Streams an upstream ExecutePlan or ReattachExecute to the client, each
/// response passed through `rewrite` (the client's session ids). A client that
/// goes away cancels the upstream call (Spark then keeps a reattachable
/// operation for a later ReattachExecute, as it does for its own clients).
/// Returns the upstream's final status.
grpc::Status ForwardResponseStream(grpc::ServerContext* server_context,
                                   grpc::ServerWriter<spark::connect::ExecutePlanResponse>* writer,
                                   grpc::ClientContext* upstream_context,
                                   grpc::ClientReaderInterface<spark::connect::ExecutePlanResponse>* reader,
                                   const std::function<void(spark::connect::ExecutePlanResponse*)>& rewrite,
                                   bool* saw_result_complete);

}  // namespace sk8::gateway
