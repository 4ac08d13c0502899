// The gateway's parts that need no upstream: connection strings, sk8.route's
// policy, and what a plan carries upstream (cached local relations, input size).
// The passing-through itself is tested with real servers (tests/pyspark/test_gateway.py).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "gateway/route_policy.h"
#include "gateway/upstream_session.h"
#include "gateway/upstream_url.h"

namespace sk8::gateway {
namespace {

namespace proto = spark::connect;

TEST(UpstreamUrl, ParsesSparkConnectionStrings) {
  auto plain = ParseUpstreamUrl("sc://spark.example:15003");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->target(), "spark.example:15003");
  EXPECT_FALSE(plain->use_ssl);
  EXPECT_EQ(plain->ToDisplayString(), "sc://spark.example:15003");

  auto defaulted = ParseUpstreamUrl("sc://spark");
  ASSERT_TRUE(defaulted.ok());
  EXPECT_EQ(defaulted->port, 15002);

  auto with_token = ParseUpstreamUrl("sc://h:1/;token=s3cret;user_id=etl");
  ASSERT_TRUE(with_token.ok());
  EXPECT_EQ(with_token->token, "s3cret");
  EXPECT_TRUE(with_token->use_ssl);  // a token is never sent in clear text
  EXPECT_EQ(with_token->user_id, "etl");
  EXPECT_EQ(with_token->ToDisplayString().find("s3cret"), std::string::npos);

  auto ssl = ParseUpstreamUrl("sc://h:1/;use_ssl=true");
  ASSERT_TRUE(ssl.ok());
  EXPECT_TRUE(ssl->use_ssl);
}

TEST(UpstreamUrl, RejectsWhatIsNotOne) {
  for (const char* bad : {"http://h:1", "sc://", "sc://h:port", "sc://h:0", "sc://h:70000", "sc://h:1/;token"}) {
    auto url = ParseUpstreamUrl(bad);
    EXPECT_FALSE(url.ok()) << bad;
    if (!url.ok()) {
      EXPECT_NE(url.status().message().find("sc://host:port"), std::string::npos) << bad;
    }
  }
}

TEST(RoutePolicy, ParsesRoutes) {
  EXPECT_EQ(ParseRoute("native"), Route::kNative);
  EXPECT_EQ(ParseRoute("UPSTREAM"), Route::kUpstream);
  EXPECT_EQ(ParseRoute("auto"), Route::kAuto);
  EXPECT_EQ(ParseRoute("sideways"), std::nullopt);
}

TEST(RoutePolicy, AutoSendsWhatSk8LacksAndKeepsUserErrors) {
  auto lacking = DecideAuto(Unsupported("relation Foo"), -1, 0);
  EXPECT_TRUE(lacking.upstream);
  EXPECT_EQ(lacking.reason, "unsupported");
  EXPECT_NE(lacking.detail.find("relation Foo"), std::string::npos);

  // A Spark built-in sk8 does not implement is Spark's to answer...
  auto builtin = AnalysisError("UNRESOLVED_ROUTINE", {{"routineName", "`aes_encrypt`"}, {"searchPath", "[]"}});
  EXPECT_TRUE(IsUnsupportedBySk8(builtin));
  // ... a name neither knows is the user's mistake, answered natively like any other.
  auto unknown = AnalysisError("UNRESOLVED_ROUTINE", {{"routineName", "`no_such_fn`"}, {"searchPath", "[]"}});
  EXPECT_FALSE(IsUnsupportedBySk8(unknown));
  auto user = DecideAuto(AnalysisError("UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", {{"objectName", "`x`"}}), -1, 0);
  EXPECT_FALSE(user.upstream);
  EXPECT_EQ(user.reason, "user_error");

  EXPECT_FALSE(DecideAuto(Status::OK(), 100, 0).upstream);  // no limit
  EXPECT_FALSE(DecideAuto(Status::OK(), 100, 1000).upstream);
  auto big = DecideAuto(Status::OK(), 5000, 1000);
  EXPECT_TRUE(big.upstream);
  EXPECT_EQ(big.reason, "input_size");
}

TEST(UpstreamSession, FindsCachedLocalRelationsAnywhereInAPlan) {
  proto::Plan plan;
  auto* join = plan.mutable_root()->mutable_join();
  join->mutable_left()->mutable_cached_local_relation()->set_hash("aaa");
  auto* chunked = join->mutable_right()->mutable_filter()->mutable_input()->mutable_chunked_cached_local_relation();
  chunked->add_datahashes("b1");
  chunked->add_datahashes("b2");
  chunked->set_schemahash("s");
  std::set<std::string> names;
  FindCachedLocalRelations(plan, &names);
  EXPECT_EQ(names, (std::set<std::string>{"cache/aaa", "cache/b1", "cache/b2", "cache/s"}));
}

TEST(UpstreamSession, EstimatesInputFromFileSizes) {
  auto dir = std::filesystem::temp_directory_path() / ("sk8_gateway_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "part=1");
  std::ofstream(dir / "part=1" / "a.parquet") << std::string(1000, 'x');
  std::ofstream(dir / "b.parquet") << std::string(234, 'y');
  proto::Plan plan;
  plan.mutable_root()->mutable_read()->mutable_data_source()->add_paths("file:" + dir.string());
  EXPECT_EQ(EstimateInputBytes(plan), 1234);
  proto::Plan remote;
  remote.mutable_root()->mutable_read()->mutable_data_source()->add_paths("s3a://bucket/t");
  EXPECT_EQ(EstimateInputBytes(remote), -1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sk8::gateway
