#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/buffer.h>
#include <arrow/memory_pool.h>

#include "io/data_source.h"

/// Files read as lines (CSV, JSON Lines, text): byte-range splits whose lines
/// are those starting inside the range, so every line is read by exactly one
/// split, and whole-file reads for formats whose records span lines.
namespace sk8::io {

/// Byte ranges of about `split_bytes` over each file (one split per file
/// when `whole_files`, as multiLine CSV / JSON and wholetext read them).
Result<std::vector<FileSplit>> PlanByteRangeSplits(const std::vector<std::string>& files, const StorageConf& storage,
                                                   bool whole_files,
                                                   int64_t split_bytes = 16 << 20);

/// The bytes of the lines starting in the split's range (from its first line
/// start to the end of its last line), decoded to UTF-8 from `encoding`
/// (UTF-8 / ISO-8859-1 / US-ASCII; others are refused by name).
struct SplitText {
  std::shared_ptr<arrow::Buffer> buffer;
  std::string_view text;
  bool starts_file = false;  // the split's first line is the file's first line
};
Result<SplitText> ReadSplitText(const FileSplit& split, const StorageConf& storage, const std::string& encoding,
                                arrow::MemoryPool* pool);

/// Cuts text into lines at "\n", "\r\n" or "\r" (or at `separator` when not
/// empty); a last line without a separator counts, an empty text has none.
std::vector<std::string_view> SplitLines(std::string_view text, const std::string& separator = "");

/// Whether `encoding` is one ReadSplitText decodes.
Status CheckEncoding(const std::string& encoding);

}  // namespace sk8::io
