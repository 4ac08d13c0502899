#pragma once

#include <grpcpp/grpcpp.h>

#include "common/spark_error.h"
#include "spark/connect/base.pb.h"

namespace sk8::server {

class Session;

/// A failed Status as the gRPC status a Spark client decodes: code INTERNAL and a
/// google.rpc.Status detail holding an ErrorInfo (JVM class chain, error class,
/// SQLSTATE, message parameters, and an errorId for FetchErrorDetails when a
/// session is known).
grpc::Status ToGrpcStatus(const Status& status, Session* session);

/// FetchErrorDetails for a remembered error.
void FillErrorDetails(const Status& status, spark::connect::FetchErrorDetailsResponse* response);

/// Normalizes an engine Status: errors without Spark details become
/// INTERNAL_ERROR (a bug) or OPERATION_CANCELED.
Status WithSparkDetails(const Status& status);

}  // namespace sk8::server
