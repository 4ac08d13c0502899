#pragma once

#include <string>

#include "common/spark_error.h"

/// The upstream Spark Connect server sk8 hands plans to (scale-out, fallback).
namespace sk8::gateway {

/// A Spark Connect connection string: sc://host:port[/;token=...;use_ssl=true;user_id=...],
/// as Spark's clients read it.
struct UpstreamUrl {
  std::string host;
  int port = 15002;
  std::string token;  // sent as "authorization: Bearer <token>"; implies TLS, as in Spark's clients
  bool use_ssl = false;
  std::string user_id;  // overrides the client's user id upstream, when set

  /// "host:port", the gRPC target.
  std::string target() const { return host + ":" + std::to_string(port); }
  /// sc://host:port without the token: safe for logs and error messages.
  std::string ToDisplayString() const;
};

/// INVALID_CONF_VALUE-style error for anything but sc://host[:port][/;key=value...].
Result<UpstreamUrl> ParseUpstreamUrl(const std::string& text);

}  // namespace sk8::gateway
