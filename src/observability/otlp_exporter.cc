#include "observability/otlp_exporter.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

#include "common/logging.h"
#include "observability/metrics.h"

namespace sk8::observability {

namespace {

constexpr size_t kBatchSpans = 512;
constexpr size_t kMaxPendingSpans = 20000;
constexpr auto kBatchDelay = std::chrono::milliseconds(500);
constexpr int kTimeoutSeconds = 2;

}  // namespace

Result<OtlpEndpoint> OtlpEndpoint::Parse(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return Status::Invalid("not an http:// URL: ", url);
  OtlpEndpoint endpoint;
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos && rest.size() > slash + 1) endpoint.path = rest.substr(slash);
  size_t colon = authority.rfind(':');
  endpoint.host = authority.substr(0, colon);
  if (colon != std::string::npos) {
    try {
      endpoint.port = std::stoi(authority.substr(colon + 1));
    } catch (...) {
      endpoint.port = -1;
    }
  }
  if (endpoint.host.empty() || endpoint.port <= 0 || endpoint.port > 65535) {
    return Status::Invalid("not http://host:port[/path]: ", url);
  }
  return endpoint;
}

TraceExporter::TraceExporter(OtlpEndpoint endpoint, std::string service_name)
    : endpoint_(std::move(endpoint)), service_name_(std::move(service_name)) {
  thread_ = std::thread([this] { Loop(); });
}

TraceExporter::~TraceExporter() { Close(); }

int64_t TraceExporter::dropped_spans() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

int64_t TraceExporter::exported_spans() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return exported_;
}

void TraceExporter::Drop(size_t spans) {
  dropped_ += static_cast<int64_t>(spans);
  ServerMetrics::Instance().Get(M::kTelemetryDropped).With({"trace_spans"}).Add(static_cast<double>(spans));
}

void TraceExporter::Record(const ExecutionRecord& record) {
  std::vector<Span> spans = QuerySpans(record);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_ || pending_.size() + spans.size() > kMaxPendingSpans) {
      Drop(spans.size());
      return;
    }
    for (auto& span : spans) pending_.push_back(std::move(span));
  }
  wake_.notify_one();
}

void TraceExporter::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return closing_ || !pending_.empty(); });
    // Batch: wait a little for more spans unless the batch is already full.
    wake_.wait_for(lock, kBatchDelay, [this] { return closing_ || pending_.size() >= kBatchSpans; });
    if (pending_.empty()) {
      if (closing_) return;
      continue;
    }
    std::vector<Span> batch;
    if (pending_.size() <= kBatchSpans) {
      batch.swap(pending_);
    } else {
      batch.assign(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.begin() + kBatchSpans));
      pending_.erase(pending_.begin(), pending_.begin() + kBatchSpans);
    }
    lock.unlock();
    Status sent = Post(OtlpJson(batch, service_name_));
    lock.lock();
    if (sent.ok()) {
      exported_ += static_cast<int64_t>(batch.size());
      continue;
    }
    Drop(batch.size());
    auto now = std::chrono::steady_clock::now();
    if (now - last_warning_ > std::chrono::minutes(1)) {
      last_warning_ = now;
      LogWarn("trace collector unreachable; spans dropped",
              {{"endpoint", endpoint_.host + ":" + std::to_string(endpoint_.port) + endpoint_.path},
               {"error", sent.message()},
               {"dropped_spans", std::to_string(dropped_)}});
    }
    if (closing_) {
      // At shutdown a collector that is down gets no second chance.
      Drop(pending_.size());
      pending_.clear();
      return;
    }
  }
}

Status TraceExporter::Post(const std::string& body) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint_.port);
  if (int rc = ::getaddrinfo(endpoint_.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Status::IOError("cannot resolve ", endpoint_.host, ": ", gai_strerror(rc));
  }
  int fd = -1;
  std::string error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval timeout{kTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) return Status::IOError("cannot connect to ", endpoint_.host, ":", port, ": ", error);
  std::string request = "POST " + endpoint_.path + " HTTP/1.1\r\nHost: " + endpoint_.host + ":" + port +
                        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nConnection: close\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return Status::IOError("cannot send to the collector: ", std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  char buffer[512];
  ssize_t n = ::recv(fd, buffer, sizeof(buffer) - 1, 0);
  ::close(fd);
  if (n <= 0) return Status::IOError("no answer from the collector");
  std::string head(buffer, static_cast<size_t>(n));
  // "HTTP/1.1 200 OK": any 2xx is a success.
  size_t space = head.find(' ');
  if (space == std::string::npos || head.size() < space + 2 || head[space + 1] != '2') {
    return Status::IOError("collector answered ", head.substr(0, head.find('\r')));
  }
  return Status::OK();
}

void TraceExporter::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sk8::observability
