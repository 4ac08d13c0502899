// The event log (Spark's listener events, file layouts), query spans in OTLP
// JSON, and the engine's per-operator row counts they are built from.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zstd.h>

#include "engine/engine.h"
#include "observability/event_log.h"
#include "observability/otlp_exporter.h"
#include "observability/spark_events.h"
#include "observability/trace_spans.h"
#include "plan_builders.h"

namespace sk8::observability {
namespace {

using nlohmann::json;

ExecutionRecord SampleRecord(bool failed) {
  ExecutionRecord record;
  record.operation_id = "op-1";
  record.session_id = "session-1";
  record.user = "alice";
  record.description = "SELECT count(*) FROM range(10)";
  record.start_unix_nanos = 1'700'000'000'000'000'000;
  record.end_unix_nanos = record.start_unix_nanos + 50'000'000;
  record.profile.phases = {{"execute", record.start_unix_nanos + 10'000'000, record.start_unix_nanos + 40'000'000}};
  OperatorProfile range{"Range", "(0, 10)", 10, {}};
  OperatorProfile aggregate{"HashAggregate", "", 1, {range}};
  record.profile.plan = std::make_shared<OperatorProfile>(aggregate);
  record.profile.plan_text = "HashAggregate\n+- Range (0, 10)\n";
  record.rows_read = 10;
  if (failed) {
    record.succeeded = false;
    record.error_class = "DIVIDE_BY_ZERO";
    record.error_type = "org.apache.spark.SparkArithmeticException";
    record.error_message = "[DIVIDE_BY_ZERO] Division by zero.";
  }
  return record;
}

std::vector<json> Parse(const std::vector<std::string>& lines) {
  std::vector<json> out;
  for (const auto& line : lines) out.push_back(json::parse(line));
  return out;
}

TEST(SparkEventsTest, AnExecutionIsAJobWithThePlanAndItsRows) {
  spark_events::Application app{"local-1", "sk8", "alice", "host", 15002, 1, 4, 1 << 30, {}};
  spark_events::ExecutionIds ids{3, 4, 5, 6, 100};
  auto events = Parse(spark_events::ExecutionEvents(SampleRecord(false), ids, app));
  std::vector<std::string> names;
  for (const auto& e : events) names.push_back(e["Event"]);
  const std::string sql = "org.apache.spark.sql.execution.ui.";
  EXPECT_EQ(names, (std::vector<std::string>{sql + "SparkListenerSQLExecutionStart", "SparkListenerJobStart",
                                             "SparkListenerStageSubmitted", "SparkListenerTaskStart",
                                             "SparkListenerTaskEnd", "SparkListenerStageCompleted",
                                             "SparkListenerJobEnd", sql + "SparkListenerDriverAccumUpdates",
                                             sql + "SparkListenerSQLExecutionEnd"}));
  const json& plan = events[0]["sparkPlanInfo"];
  EXPECT_EQ(plan["nodeName"], "HashAggregate");
  EXPECT_EQ(plan["metrics"][0]["accumulatorId"], 100);
  EXPECT_EQ(plan["children"][0]["simpleString"], "Range (0, 10)");
  EXPECT_EQ(plan["children"][0]["metrics"][0]["accumulatorId"], 101);
  EXPECT_EQ(events[0]["time"], 1'700'000'000'000);
  EXPECT_EQ(events[1]["Properties"]["spark.sql.execution.id"], "3");
  EXPECT_EQ(events[1]["Submission Time"], 1'700'000'000'010);
  EXPECT_EQ(events[4]["Task Metrics"]["Input Metrics"]["Records Read"], 10);
  EXPECT_EQ(events[4]["Task Metrics"]["Executor Run Time"], 30);
  EXPECT_EQ(events[6]["Job Result"]["Result"], "JobSucceeded");
  EXPECT_EQ(events[7]["accumUpdates"], json::parse("[[100, 1], [101, 10]]"));
  EXPECT_EQ(events[8]["errorMessage"], "");
  EXPECT_EQ(spark_events::AccumulatorCount(SampleRecord(false)), 2);
}

TEST(SparkEventsTest, AFailedExecutionCarriesItsError) {
  spark_events::Application app{"local-1", "sk8", "alice", "host", 15002, 1, 4, 1 << 30, {}};
  auto events = Parse(spark_events::ExecutionEvents(SampleRecord(true), {}, app));
  EXPECT_EQ(events[4]["Task End Reason"]["Reason"], "ExceptionFailure");
  EXPECT_EQ(events[4]["Task End Reason"]["Class Name"], "org.apache.spark.SparkArithmeticException");
  EXPECT_EQ(events[5]["Stage Info"]["Failure Reason"], "[DIVIDE_BY_ZERO] Division by zero.");
  EXPECT_EQ(events[6]["Job Result"]["Result"], "JobFailed");
  EXPECT_EQ(events[6]["Job Result"]["Exception"]["Message"], "[DIVIDE_BY_ZERO] Division by zero.");
  EXPECT_EQ(events.back()["errorMessage"], "[DIVIDE_BY_ZERO] Division by zero.");
}

class EventLogFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sk8-event-log-test-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  /// Every zstd frame of a file, decompressed and joined.
  static std::string Unzstd(const std::string& data) {
    ZSTD_DStream* stream = ZSTD_createDStream();
    std::string out;
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    std::string chunk(1 << 16, '\0');
    while (in.pos < in.size) {
      ZSTD_outBuffer buffer{chunk.data(), chunk.size(), 0};
      size_t rc = ZSTD_decompressStream(stream, &buffer, &in);
      EXPECT_FALSE(ZSTD_isError(rc));
      if (ZSTD_isError(rc)) break;
      out.append(chunk.data(), buffer.pos);
    }
    ZSTD_freeDStream(stream);
    return out;
  }

  std::filesystem::path dir_;
};

TEST_F(EventLogFilesTest, SingleFileIsRenamedWhenFinished) {
  EventLogLayout layout{dir_.string(), "local-7", /*rolling=*/false, 1 << 20, /*compress=*/false};
  auto files = EventLogFiles::Create(layout).ValueOrDie();
  EXPECT_EQ(files->path(), (dir_ / "local-7.inprogress").string());
  ASSERT_TRUE(files->Append({"{\"a\":1}", "{\"b\":2}"}).ok());
  // Readable before the end: what a crash leaves.
  EXPECT_EQ(Read(dir_ / "local-7.inprogress"), "{\"a\":1}\n{\"b\":2}\n");
  ASSERT_TRUE(files->Finish().ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "local-7.inprogress"));
  EXPECT_EQ(Read(dir_ / "local-7"), "{\"a\":1}\n{\"b\":2}\n");
}

TEST_F(EventLogFilesTest, RollingZstdFilesAndStatusMarker) {
  // Past one byte, the next append starts a new file.
  EventLogLayout layout{dir_.string(), "local-8", /*rolling=*/true, 1, /*compress=*/true};
  auto files = EventLogFiles::Create(layout).ValueOrDie();
  const auto folder = dir_ / "eventlog_v2_local-8";
  EXPECT_TRUE(std::filesystem::exists(folder / "appstatus_local-8.inprogress"));
  const std::string line(100, 'x');
  ASSERT_TRUE(files->Append({line}).ok());
  ASSERT_TRUE(files->Append({line, line}).ok());
  ASSERT_TRUE(files->Finish().ok());
  EXPECT_TRUE(std::filesystem::exists(folder / "appstatus_local-8"));
  EXPECT_FALSE(std::filesystem::exists(folder / "appstatus_local-8.inprogress"));
  EXPECT_EQ(Unzstd(Read(folder / "events_1_local-8.zstd")), line + "\n");
  EXPECT_EQ(Unzstd(Read(folder / "events_2_local-8.zstd")), line + "\n" + line + "\n");
}

TEST_F(EventLogFilesTest, MissingFolderIsNamed) {
  EventLogLayout layout{(dir_ / "nope").string(), "local-9", false, 1 << 20, false};
  auto files = EventLogFiles::Create(layout);
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find((dir_ / "nope").string() + " does not exist"), std::string::npos)
      << files.status().ToString();
}

TEST_F(EventLogFilesTest, EventLogWritesStartThenEndOfAnExecution) {
  EventLogOptions options;
  options.dir = dir_.string();
  options.rolling = false;
  options.compress = false;
  spark_events::Application app;
  app.id = "local-10";
  app.name = "sk8";
  auto log = EventLog::Open(options, app).ValueOrDie();
  auto started = SampleRecord(false);
  started.profile.plan = std::make_shared<OperatorProfile>(OperatorProfile{"Range", "", -1, {}});
  log->Started(started);
  auto done = SampleRecord(false);
  done.profile.plan = std::make_shared<OperatorProfile>(OperatorProfile{"Range", "", 10, {}});
  log->Record(done);
  log->Record(SampleRecord(true));  // never started: all its events at once
  log->Close();
  log->Record(SampleRecord(false));  // after the end: dropped
  EXPECT_EQ(log->dropped_events(), 9);
  std::vector<std::string> names;
  std::vector<int64_t> executions;
  std::istringstream lines(Read(dir_ / "local-10"));
  for (std::string line; std::getline(lines, line);) {
    auto event = json::parse(line);
    names.push_back(event["Event"]);
    if (event.contains("executionId")) executions.push_back(event["executionId"]);
    if (names.back().ends_with("DriverAccumUpdates") && executions.back() == 0) {
      EXPECT_EQ(event["accumUpdates"], json::parse("[[0, 10]]"));
    }
  }
  EXPECT_EQ(names.front(), "SparkListenerLogStart");
  EXPECT_EQ(names.back(), "SparkListenerApplicationEnd");
  EXPECT_EQ(std::count(names.begin(), names.end(), "SparkListenerJobStart"), 2);
  EXPECT_EQ(std::count(names.begin(), names.end(), "SparkListenerJobEnd"), 2);
  EXPECT_EQ(executions, (std::vector<int64_t>{0, 0, 0, 1, 1, 1}));
}

TEST(EventLogOptionsTest, SparkDefaultsAndRefusals) {
  auto defaults = EventLogOptions::FromConf({}).ValueOrDie();
  EXPECT_FALSE(defaults.enabled);
  EXPECT_TRUE(defaults.rolling);
  EXPECT_TRUE(defaults.compress);
  EXPECT_EQ(defaults.dir, "/tmp/spark-events");
  auto set = EventLogOptions::FromConf({{"spark.eventLog.enabled", "TRUE"},
                                        {"spark.eventLog.dir", "file:///var/log/spark/"},
                                        {"spark.eventLog.rolling.maxFileSize", "16m"},
                                        {"spark.app.name", "team"}})
                 .ValueOrDie();
  EXPECT_TRUE(set.enabled);
  EXPECT_EQ(set.dir, "/var/log/spark");
  EXPECT_EQ(set.max_file_bytes, 16 << 20);
  EXPECT_EQ(set.app_name, "team");
  EXPECT_FALSE(EventLogOptions::FromConf({{"spark.eventLog.compression.codec", "lz4"}}).ok());
  EXPECT_TRUE(EventLogOptions::FromConf({{"spark.eventLog.compression.codec", "lz4"},
                                         {"spark.eventLog.compress", "false"}})
                  .ok());
  EXPECT_FALSE(EventLogOptions::FromConf({{"spark.eventLog.enabled", "true"}, {"spark.eventLog.dir", "s3a://b/p"}})
                   .ValueOrDie()
                   .local);
  EXPECT_FALSE(EventLogOptions::FromConf({{"spark.eventLog.enabled", "yes"}}).ok());
}

TEST(TraceSpansTest, QuerySpansAsOtlpJson) {
  auto record = SampleRecord(true);
  auto spans = QuerySpans(record);
  ASSERT_EQ(spans.size(), 4u);  // root, execute, HashAggregate, Range
  EXPECT_EQ(spans[0].name, "ExecutePlan");
  EXPECT_EQ(spans[1].parent_span_id, spans[0].span_id);
  EXPECT_EQ(spans[2].parent_span_id, spans[1].span_id);
  EXPECT_EQ(spans[3].parent_span_id, spans[2].span_id);
  for (const auto& span : spans) EXPECT_EQ(span.trace_id, spans[0].trace_id);
  auto request = json::parse(OtlpJson(spans, "sk8"));
  const json& resource = request["resourceSpans"][0];
  EXPECT_EQ(resource["resource"]["attributes"][0]["value"]["stringValue"], "sk8");
  const json& root = resource["scopeSpans"][0]["spans"][0];
  EXPECT_EQ(root["traceId"].get<std::string>().size(), 32u);
  EXPECT_EQ(root["spanId"].get<std::string>().size(), 16u);
  EXPECT_FALSE(root.contains("parentSpanId"));
  EXPECT_EQ(root["startTimeUnixNano"], "1700000000000000000");
  EXPECT_EQ(root["status"]["code"], 2);
  EXPECT_EQ(root["status"]["message"], "[DIVIDE_BY_ZERO] Division by zero.");
  const json& range = resource["scopeSpans"][0]["spans"][3];
  bool found = false;
  for (const auto& a : range["attributes"]) {
    if (a["key"] == "sk8.operator.output_rows") {
      EXPECT_EQ(a["value"]["intValue"], "10");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(OtlpEndpointTest, HostPortAndDefaultPath) {
  auto endpoint = OtlpEndpoint::Parse("http://collector:4318").ValueOrDie();
  EXPECT_EQ(endpoint.host, "collector");
  EXPECT_EQ(endpoint.port, 4318);
  EXPECT_EQ(endpoint.path, "/v1/traces");
  EXPECT_EQ(OtlpEndpoint::Parse("http://127.0.0.1:9/custom/traces").ValueOrDie().path, "/custom/traces");
  EXPECT_FALSE(OtlpEndpoint::Parse("https://collector:4318").ok());
  EXPECT_FALSE(OtlpEndpoint::Parse("http://collector:http").ok());
}

const OperatorProfile* Find(const OperatorProfile& node, const std::string& name) {
  if (node.name == name) return &node;
  for (const auto& child : node.children) {
    if (const auto* found = Find(child, name)) return found;
  }
  return nullptr;
}

TEST(OperatorRowCountsTest, EngineCountsEachOperatorsRowsAndTimesItsSteps) {
  using namespace sk8::testing;
  auto filter = plan::MakeUnary<plan::FilterPlan>(Range(0, 100000));
  filter->condition = Call("==", {Call("%", {Col("id"), Lit(7)}), Lit(0)});
  auto project = plan::MakeUnary<plan::ProjectPlan>(filter);
  project->expressions = {Call("count", {Col("id")})};
  static bool initialized = arrow::compute::Initialize().ok();
  ASSERT_TRUE(initialized);
  analyzer::SessionCatalog catalog;
  std::vector<QueryPhase> phases;
  engine::QueryContext ctx;
  ctx.catalog = &catalog;
  ctx.phases = &phases;
  ctx.profile_operators = true;
  auto optimized = engine::AnalyzeAndOptimize(project, ctx).ValueOrDie();
  engine::QueryMemoryStats stats;
  ASSERT_TRUE(engine::Execute(*optimized, ctx, [](const auto&) { return Status::OK(); }, &stats).ok());
  ASSERT_NE(stats.plan, nullptr);
  const auto* range = Find(*stats.plan, "Range");
  const auto* kept = Find(*stats.plan, "Filter");
  ASSERT_NE(range, nullptr) << stats.plan_text;
  ASSERT_NE(kept, nullptr) << stats.plan_text;
  EXPECT_EQ(range->output_rows, 100000);
  EXPECT_EQ(kept->output_rows, 14286);
  EXPECT_EQ(stats.plan->output_rows, 1);
  EXPECT_NE(stats.plan_text.find("Range"), std::string::npos);
  std::vector<std::string> names;
  for (const auto& phase : phases) {
    names.push_back(phase.name);
    EXPECT_LE(phase.start_unix_nanos, phase.end_unix_nanos);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"analyze", "optimize", "execute"}));
}

}  // namespace
}  // namespace sk8::observability
