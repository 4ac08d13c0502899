// io/filesystems and io/file_listing: which store a path names, the stores
// refused by name, and listing (globs with alternatives, hidden names,
// partition directories) on the local disk through the same code as S3.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "common/spark_error.h"
#include "io/file_listing.h"
#include "io/filesystems.h"

namespace sk8 {
namespace {

namespace fs = std::filesystem;

TEST(Filesystems, LocalPathsResolveToAbsoluteNormalPaths) {
  EXPECT_TRUE(io::IsLocalPath("/tmp/x"));
  EXPECT_TRUE(io::IsLocalPath("file:///tmp/x"));
  EXPECT_TRUE(io::IsLocalPath("relative/dir"));
  EXPECT_FALSE(io::IsLocalPath("s3a://bucket/key"));
  auto where = io::ResolvePath("file:///tmp/./a/../b/", {}).ValueOrDie();
  EXPECT_TRUE(where.local);
  EXPECT_EQ(where.path, "/tmp/b");
  EXPECT_EQ(where.Uri(where.path), "/tmp/b");
}

TEST(Filesystems, S3PathsNameBucketAndKey) {
  io::StorageConf conf{{"fs.s3a.endpoint", "http://127.0.0.1:1"}, {"fs.s3a.access.key", "k"},
                       {"fs.s3a.secret.key", "s"}, {"fs.s3a.path.style.access", "true"}};
  {
    auto where = io::ResolvePath("s3a://bucket/dir/file.parquet/", conf).ValueOrDie();
    EXPECT_FALSE(where.local);
    EXPECT_EQ(where.fs->type_name(), "s3");
    EXPECT_EQ(where.path, "bucket/dir/file.parquet");
    EXPECT_EQ(where.Uri(where.path), "s3a://bucket/dir/file.parquet");
    EXPECT_NE(where.where.find("http://127.0.0.1:1"), std::string::npos);
    // The same options share one filesystem; s3:// is the same store.
    EXPECT_EQ(io::ResolvePath("s3://bucket/other", conf).ValueOrDie().fs, where.fs);
    EXPECT_FALSE(io::ResolvePath("s3a:///key", conf).ok());
    io::StorageConf half{{"fs.s3a.access.key", "k"}};
    EXPECT_FALSE(io::ResolvePath("s3a://bucket/key", half).ok());
  }
  io::FinalizeFileSystems();  // as sk8 serve does at exit, after the filesystems are gone
}

TEST(Filesystems, OtherStoresAreRefusedByName) {
  for (const std::string scheme : {"hdfs", "gs", "abfss", "wasbs"}) {
    auto status = io::ResolvePath(scheme + "://host/path", {}).status();
    ASSERT_FALSE(status.ok());
    ASSERT_NE(GetSparkError(status), nullptr);
    EXPECT_EQ(GetSparkError(status)->error_class(), "UNSUPPORTED_FEATURE.SK8");
    EXPECT_NE(status.message().find(scheme + "://"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("sk8 serve --upstream"), std::string::npos) << status.message();
  }
}

TEST(FileListing, GlobsHiddenNamesAndPartitionsOnLocalDisk) {
  const fs::path root = fs::temp_directory_path() / ("sk8_fs_test_" + std::to_string(::getpid()));
  fs::remove_all(root);
  for (const auto& dir : {"k=1", "k=2", "k=3", "_tmp", ".staging"}) fs::create_directories(root / dir);
  for (const auto& file : {"k=1/a.csv", "k=2/b.csv", "k=3/c.json", "_tmp/x.csv", ".staging/y.csv", "_SUCCESS"}) {
    std::ofstream(root / file) << "1\n";
  }
  auto files = io::ListDataFiles({root.string()}).ValueOrDie();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0], (root / "k=1/a.csv").string());
  auto globbed = io::ListDataFiles({(root / "k={1,3}/*").string()}).ValueOrDie();
  ASSERT_EQ(globbed.size(), 2u);
  EXPECT_EQ(globbed[1], (root / "k=3/c.json").string());
  EXPECT_EQ(io::ListDataFiles({(root / "*/*.csv").string()}).ValueOrDie().size(), 3u);  // _tmp is matched by name
  auto listed = io::ListPartitionedFiles({root.string()}).ValueOrDie();
  ASSERT_EQ(listed.partition_schema->num_fields(), 1);
  EXPECT_EQ(listed.partition_schema->field(0)->name(), "k");
  auto missing = io::ListDataFiles({(root / "nope").string()}).status();
  ASSERT_NE(GetSparkError(missing), nullptr);
  EXPECT_EQ(GetSparkError(missing)->error_class(), "PATH_NOT_FOUND");
  fs::remove_all(root);
}

}  // namespace
}  // namespace sk8
