// The warehouse's persistent functions: kept as files beside the tables, so a
// new Warehouse over the same directory (a restarted server) finds them.
#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "catalog/warehouse.h"

namespace sk8::catalog {
namespace {

class WarehouseFunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("sk8_catalog_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
};

TEST_F(WarehouseFunctionsTest, SavedFunctionsAreFoundByANewWarehouse) {
  {
    Warehouse warehouse(root_.string());
    FunctionMetadata f{"default", "f1", "x.Some.Class", {{"jar", "/a.jar"}, {"file", "b.txt"}}, 42};
    ASSERT_TRUE(warehouse.SaveFunction(f).ok());
    ASSERT_TRUE(warehouse.CreateDatabase(DatabaseMetadata{"db", "", "", {}}, false).ok());
    ASSERT_TRUE(warehouse.SaveFunction(FunctionMetadata{"db", "g", "x.G", {}, 0}).ok());
  }
  Warehouse warehouse(root_.string());
  auto names = warehouse.ListFunctions("default");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"f1"});
  auto tables = warehouse.ListTables("default");
  ASSERT_TRUE(tables.ok());
  EXPECT_TRUE(tables->empty());  // a function is no table
  auto found = warehouse.FindFunction("default", "f1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->class_name, "x.Some.Class");
  using Resources = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ((*found)->resources, (Resources{{"jar", "/a.jar"}, {"file", "b.txt"}}));
  EXPECT_EQ((*found)->created_ms, 42);
  auto missing = warehouse.FindFunction("default", "nothing");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  // A database holding a function is not empty; CASCADE drops the function too.
  EXPECT_FALSE(warehouse.DropDatabase("db", /*cascade=*/false).ok());
  EXPECT_TRUE(warehouse.DropDatabase("db", /*cascade=*/true).ok());
  EXPECT_FALSE(warehouse.DatabaseExists("db"));

  ASSERT_TRUE(warehouse.DropFunction("default", "f1").ok());
  names = warehouse.ListFunctions("default");
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
}

TEST(FunctionMetadataTest, JsonRoundTrip) {
  FunctionMetadata f{"db", "fn", "a.B", {{"archive", "z.zip"}}, 7};
  auto back = FunctionFromJson(ToJson(f));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->database, "db");
  EXPECT_EQ(back->name, "fn");
  EXPECT_EQ(back->class_name, "a.B");
  EXPECT_EQ(back->resources, f.resources);
  EXPECT_EQ(back->created_ms, 7);
  EXPECT_FALSE(FunctionFromJson("[1]").ok());
}

}  // namespace
}  // namespace sk8::catalog
