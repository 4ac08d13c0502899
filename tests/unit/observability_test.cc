#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "observability/http_server.h"
#include "observability/metrics.h"

namespace sk8::observability {
namespace {

TEST(MetricsTest, CounterWithLabelsRendersPrometheusText) {
  Metric metric({"sk8_test_total", MetricType::kCounter, "Things counted", {"error_class"}});
  metric.With({"DIVIDE_BY_ZERO"}).Add(2);
  metric.With({"a\"b\\c\nd"}).Add(1.5);
  std::string text;
  metric.Render(&text);
  EXPECT_EQ(text,
            "# HELP sk8_test_total Things counted\n"
            "# TYPE sk8_test_total counter\n"
            "sk8_test_total{error_class=\"DIVIDE_BY_ZERO\"} 2\n"
            "sk8_test_total{error_class=\"a\\\"b\\\\c\\nd\"} 1.5\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metric metric({"sk8_test_seconds", MetricType::kHistogram, "Durations", {}, {0.01, 1}});
  auto& series = metric.With();
  for (double v : {0.005, 0.01, 0.5, 100.0}) series.Observe(v);
  std::string text;
  metric.Render(&text);
  EXPECT_NE(text.find("sk8_test_seconds_bucket{le=\"0.01\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sk8_test_seconds_bucket{le=\"1\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sk8_test_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sk8_test_seconds_sum 100.515\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sk8_test_seconds_count 4\n"), std::string::npos) << text;
}

TEST(MetricsTest, ServerMetricsServeEveryFamilyOnce) {
  std::string text = ServerMetrics::Instance().RenderPrometheus();
  for (const auto& info : ServerMetricInfos()) {
    EXPECT_NE(text.find("# TYPE " + info.name + " "), std::string::npos) << info.name;
  }
  std::string executors = ServerMetrics::Instance().RenderSparkExecutors();
  for (const auto& name : SparkExecutorMetricNames()) {
    EXPECT_NE(executors.find(name + (name == "spark_info" ? "{version=" : "{application_id=")), std::string::npos)
        << name;
  }
}

std::string Get(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "";
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string response;
  char buffer[1024];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) response.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  return response;
}

TEST(HttpServerTest, AnswersRegisteredPathsAndFallsBackToTheNextPort) {
  HttpServer first;
  first.Handle("/hello", [] { return HttpResponse{200, "text/plain", "hi"}; });
  ASSERT_TRUE(first.Start("127.0.0.1", 0).ok());
  ASSERT_GT(first.port(), 0);
  std::string ok = Get(first.port(), "/hello?x=1");
  EXPECT_EQ(ok.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(ok.find("Content-Length: 2\r\n"), std::string::npos) << ok;
  EXPECT_EQ(ok.substr(ok.size() - 6), "\r\n\r\nhi") << ok;
  EXPECT_EQ(Get(first.port(), "/nope").substr(0, 22), "HTTP/1.1 404 Not Found");

  // The port is taken: Spark's UI goes on to the next one.
  HttpServer second;
  auto bound = second.StartOnFreePort("127.0.0.1", first.port(), 16);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_GT(*bound, first.port());
  EXPECT_LE(*bound, first.port() + 16);
  HttpServer third;
  EXPECT_FALSE(third.StartOnFreePort("127.0.0.1", first.port(), 0).ok());
  second.Stop();
  first.Stop();
  EXPECT_EQ(Get(first.port(), "/hello"), "");
}

}  // namespace
}  // namespace sk8::observability
