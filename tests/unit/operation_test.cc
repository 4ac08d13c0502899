// The response buffer of an operation: reattach positions survive releases, sent
// responses beyond the retry buffer are freed, a newer sender detaches an older
// one; and Spark's time and size strings for the server settings.
#include <gtest/gtest.h>

#include "server/server_conf.h"
#include "server/session.h"

namespace sk8::server {
namespace {

using std::chrono::milliseconds;

spark::connect::ExecutePlanResponse Batch(size_t bytes) {
  spark::connect::ExecutePlanResponse response;
  response.mutable_arrow_batch()->set_data(std::string(bytes, 'x'));
  return response;
}

std::vector<std::string> AppendBatches(Operation& op, int count, size_t bytes) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) op.Append(Batch(bytes));
  int64_t ticket = op.Attach();
  for (int i = 0; i < count; ++i) {
    spark::connect::ExecutePlanResponse out;
    Status error;
    // reading everything marks it as sent; use a huge retry buffer to see all ids
    EXPECT_EQ(op.Next(ticket, i, milliseconds(0), &out, &error), Operation::NextState::kResponse);
    ids.push_back(out.response_id());
  }
  op.Detach(ticket);
  return ids;
}

TEST(OperationTest, ReleasedIdStillGivesItsPosition) {
  Operation op("op", {}, /*reattachable=*/true, OperationLimits{1LL << 30, milliseconds(1000)});
  auto ids = AppendBatches(op, 5, 10);
  op.ReleaseUntil(ids[2]);
  EXPECT_EQ(op.first_buffered(), 3);
  auto position = op.PositionAfter(ids[2]);
  ASSERT_TRUE(position.ok());
  EXPECT_EQ(*position, 3);
  // an id this operation never produced is Spark's POSITION_NOT_FOUND
  auto unknown = op.PositionAfter("never-sent");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("INVALID_CURSOR.POSITION_NOT_FOUND"), std::string::npos);
}

TEST(OperationTest, SentResponsesBeyondTheRetryBufferAreFreed) {
  // ~1 KB responses, a retry buffer of 2500 bytes: after sending position 9,
  // positions 6..8 (the first >= 2500 bytes backwards) stay and 0..5 are freed.
  Operation op("op", {}, /*reattachable=*/true, OperationLimits{2500, milliseconds(1000), /*in_flight_bytes=*/0});
  for (int i = 0; i < 10; ++i) op.Append(Batch(1000));
  int64_t ticket = op.Attach();
  spark::connect::ExecutePlanResponse out;
  Status error;
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(op.Next(ticket, i, milliseconds(0), &out, &error), Operation::NextState::kResponse);
  }
  EXPECT_EQ(op.first_buffered(), 6);
  EXPECT_EQ(op.Next(ticket, 2, milliseconds(0), &out, &error), Operation::NextState::kFailed);
  EXPECT_NE(error.message().find("POSITION_NOT_AVAILABLE"), std::string::npos);
  op.ReleaseAll();
  EXPECT_EQ(op.buffered_bytes(), 0);
}

TEST(OperationTest, NewSenderDetachesTheOldOne) {
  Operation op("op", {}, /*reattachable=*/true);
  op.Append(Batch(1));
  int64_t first = op.Attach();
  int64_t second = op.Attach();
  spark::connect::ExecutePlanResponse out;
  Status error;
  EXPECT_EQ(op.Next(first, 0, milliseconds(0), &out, &error), Operation::NextState::kDetached);
  EXPECT_NE(error.message().find("INVALID_CURSOR.DISCONNECTED"), std::string::npos);
  EXPECT_EQ(op.Next(second, 0, milliseconds(0), &out, &error), Operation::NextState::kResponse);
  op.Detach(first);  // a stale sender leaving does not detach the current one
  EXPECT_FALSE(op.DetachedLongerThan(milliseconds(0)));
  op.Detach(second);
  EXPECT_TRUE(op.DetachedLongerThan(milliseconds(-1)));
}

TEST(ServerConfTest, SparkTimeAndByteStrings) {
  EXPECT_EQ(ParseSparkDuration("2m", milliseconds(1)), milliseconds(120000));
  EXPECT_EQ(ParseSparkDuration("500ms", milliseconds(1)), milliseconds(500));
  EXPECT_EQ(ParseSparkDuration(" 3s ", milliseconds(1)), milliseconds(3000));
  EXPECT_EQ(ParseSparkDuration("7", milliseconds(1000)), milliseconds(7000));
  EXPECT_FALSE(ParseSparkDuration("soon", milliseconds(1)).has_value());
  EXPECT_EQ(ParseSparkBytes("300k"), 300 * 1024);
  EXPECT_EQ(ParseSparkBytes("10m"), 10LL << 20);
  EXPECT_EQ(ParseSparkBytes("1g"), 1LL << 30);
  EXPECT_EQ(ParseSparkBytes("42"), 42);
  EXPECT_FALSE(ParseSparkBytes("-1").has_value());
  EXPECT_FALSE(ParseSparkBytes("12q").has_value());

  ConnectServerConf conf;
  EXPECT_TRUE(conf.Set("spark.connect.execute.reattachable.senderMaxStreamDuration", "1s").ok());
  EXPECT_EQ(conf.sender_max_stream_duration, milliseconds(1000));
  EXPECT_FALSE(conf.Set("spark.connect.execute.manager.detachedTimeout", "later").ok());
  EXPECT_TRUE(conf.Set("spark.sql.shuffle.partitions", "8").ok());
  EXPECT_EQ(conf.session_defaults.at("spark.sql.shuffle.partitions"), "8");
}

}  // namespace
}  // namespace sk8::server
