#include "io/line_reader.h"

#include <algorithm>

#include "io/file_listing.h"
#include "io/filesystems.h"

namespace sk8::io {
namespace {

std::string NormalizedEncoding(const std::string& encoding) {
  std::string name;
  for (char c : encoding) {
    if (c != '-' && c != '_') name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

bool IsLatin1(const std::string& encoding) {
  const auto name = NormalizedEncoding(encoding);
  return name == "iso88591" || name == "latin1" || name == "l1";
}

}  // namespace

Status CheckEncoding(const std::string& encoding) {
  const auto name = NormalizedEncoding(encoding);
  if (name.empty() || name == "utf8" || name == "usascii" || name == "ascii" || IsLatin1(encoding)) {
    return Status::OK();
  }
  return Unsupported("reading files in the " + encoding + " encoding (UTF-8 and ISO-8859-1 are read)");
}

Result<std::vector<FileSplit>> PlanByteRangeSplits(const std::vector<std::string>& files, const StorageConf& storage,
                                                   bool whole_files,
                                                   int64_t split_bytes) {
  std::vector<FileSplit> splits;
  for (const auto& path : files) {
    auto found = FileSize(path, storage);
    if (!found.ok()) {
      if (GetSparkError(found.status())) return found.status();  // the store's own error
      return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(path)}});
    }
    const int64_t size = *found;
    if (whole_files || size <= split_bytes) {
      FileSplit split;
      split.path = path;
      split.length = size;
      splits.push_back(std::move(split));
      continue;
    }
    for (int64_t offset = 0; offset < size; offset += split_bytes) {
      FileSplit split;
      split.path = path;
      split.offset = offset;
      split.length = std::min(split_bytes, size - offset);
      splits.push_back(std::move(split));
    }
  }
  return splits;
}

Result<SplitText> ReadSplitText(const FileSplit& split, const StorageConf& storage, const std::string& encoding,
                                arrow::MemoryPool* pool) {
  auto opened = OpenInputFile(split.path, storage, pool);
  if (!opened.ok()) {
    if (GetSparkError(opened.status())) return opened.status();
    return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(split.path)}});
  }
  auto file = *opened;
  ARROW_ASSIGN_OR_RAISE(const int64_t size, file->GetSize());
  const int64_t end = split.length < 0 ? size : std::min(size, split.offset + split.length);
  // Read one byte before the range (to see whether a line starts at its first
  // byte) and past it, in steps, until the line that crosses the end is whole.
  const int64_t read_from = split.offset > 0 ? split.offset - 1 : 0;
  int64_t read_to = end;
  std::shared_ptr<arrow::Buffer> buffer;
  for (int64_t extra = 64 << 10;; extra *= 2) {
    read_to = end >= size ? size : std::min(size, read_to + extra);
    ARROW_ASSIGN_OR_RAISE(buffer, file->ReadAt(read_from, read_to - read_from));
    std::string_view bytes(reinterpret_cast<const char*>(buffer->data()), static_cast<size_t>(buffer->size()));
    const size_t tail = static_cast<size_t>(end - read_from);
    if (read_to >= size || end >= size || bytes.find('\n', tail > 0 ? tail - 1 : 0) != std::string_view::npos) break;
  }
  std::string_view bytes(reinterpret_cast<const char*>(buffer->data()), static_cast<size_t>(buffer->size()));
  const size_t range_end = static_cast<size_t>(end - read_from);
  size_t begin = 0;
  if (split.offset > 0) {
    const size_t newline = bytes.find('\n');  // bytes[0] is the byte before the range
    begin = newline == std::string_view::npos ? bytes.size() : newline + 1;
  }
  size_t stop = 0;
  if (begin < range_end) {  // a line starts in the range: read through the one crossing its end
    const size_t newline = bytes.find('\n', range_end - 1);
    stop = newline == std::string_view::npos ? bytes.size() : newline + 1;
  } else {
    begin = 0;
  }
  SplitText out;
  out.starts_file = split.offset == 0;
  if (IsLatin1(encoding)) {
    std::string utf8;
    utf8.reserve(stop - begin);
    for (size_t i = begin; i < stop; ++i) {
      const auto c = static_cast<unsigned char>(bytes[i]);
      if (c < 0x80) {
        utf8 += static_cast<char>(c);
      } else {
        utf8 += static_cast<char>(0xC0 | (c >> 6));
        utf8 += static_cast<char>(0x80 | (c & 0x3F));
      }
    }
    out.buffer = arrow::Buffer::FromString(std::move(utf8));
    out.text = std::string_view(reinterpret_cast<const char*>(out.buffer->data()), static_cast<size_t>(out.buffer->size()));
    return out;
  }
  out.buffer = buffer;
  out.text = bytes.substr(begin, stop - begin);
  if (out.starts_file && out.text.size() >= 3 && out.text.substr(0, 3) == "\xEF\xBB\xBF") out.text.remove_prefix(3);
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view text, const std::string& separator) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  if (!separator.empty()) {
    while (start < text.size()) {
      size_t at = text.find(separator, start);
      if (at == std::string_view::npos) at = text.size();
      lines.push_back(text.substr(start, at - start));
      start = at + separator.size();
    }
    return lines;
  }
  while (start < text.size()) {
    size_t at = text.find_first_of("\r\n", start);
    if (at == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, at - start));
    start = at + ((text[at] == '\r' && at + 1 < text.size() && text[at + 1] == '\n') ? 2 : 1);
  }
  return lines;
}

}  // namespace sk8::io
