// ShowString: df.show() rendered on the server, exactly as Spark prints it.
#include "exec/show_string.h"

#include "exec/operators.h"
#include "exec/ordered_batches.h"
#include "functions/cast.h"

namespace sk8::exec {
namespace {

std::vector<uint32_t> DecodeUtf8(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    uint32_t cp;
    int len;
    if (c < 0x80) { cp = c; len = 1; }
    else if ((c >> 5) == 6) { cp = c & 0x1F; len = 2; }
    else if ((c >> 4) == 14) { cp = c & 0x0F; len = 3; }
    else { cp = c & 0x07; len = 4; }
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string EncodeUtf8(const std::vector<uint32_t>& cps, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end && i < cps.size(); ++i) {
    uint32_t cp = cps[i];
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

// Java's String.length counts UTF-16 code units; Spark truncates on them.
size_t Utf16Length(const std::vector<uint32_t>& cps) {
  size_t n = 0;
  for (uint32_t cp : cps) n += cp >= 0x10000 ? 2 : 1;
  return n;
}

std::string Utf16Prefix(const std::vector<uint32_t>& cps, size_t units) {
  size_t used = 0, i = 0;
  for (; i < cps.size(); ++i) {
    size_t w = cps[i] >= 0x10000 ? 2 : 1;
    if (used + w > units) break;
    used += w;
  }
  return EncodeUtf8(cps, 0, i);
}

bool IsWide(uint32_t cp) {
  // Full-width and wide ranges (the ones Spark's Utils.stringHalfWidth counts).
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x2FFFD) || (cp >= 0x30000 && cp <= 0x3FFFD);
}

std::string EscapeMetaCharacters(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\f': out += "\\f"; break;
      case '\b': out += "\\b"; break;
      case '\v': out += "\\v"; break;
      case '\a': out += "\\a"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Pad(const std::string& cell, int width, bool left) {
  int pad = width - DisplayWidth(cell);
  if (pad <= 0) return cell;
  return left ? std::string(pad, ' ') + cell : cell + std::string(pad, ' ');
}

}  // namespace

int DisplayWidth(const std::string& utf8) {
  int width = 0;
  for (uint32_t cp : DecodeUtf8(utf8)) width += IsWide(cp) ? 2 : 1;
  return width;
}

Result<std::string> FormatShowString(const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches,
                                     const arrow::Schema& schema, int32_t num_rows, int32_t truncate,
                                     bool vertical, const plan::EvalContext& ctx) {
  num_rows = std::max(num_rows, 0);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const auto& f : schema.fields()) header.push_back(EscapeMetaCharacters(f->name()));
  rows.push_back(header);
  int64_t data_rows = 0;
  for (const auto& batch : batches) {
    std::vector<std::shared_ptr<arrow::Array>> text_columns;
    for (int c = 0; c < batch->num_columns(); ++c) {
      ARROW_ASSIGN_OR_RAISE(auto strings, functions::ToSparkStrings(*batch->column(c), ctx, /*for_show=*/true));
      text_columns.push_back(strings);
    }
    for (int64_t r = 0; r < batch->num_rows() && data_rows <= num_rows; ++r, ++data_rows) {
      std::vector<std::string> row;
      for (const auto& column : text_columns) {
        const auto& strings = static_cast<const arrow::StringArray&>(*column);
        std::string cell = strings.IsNull(r) ? "NULL" : EscapeMetaCharacters(std::string(strings.GetView(r)));
        if (truncate > 0) {
          auto cps = DecodeUtf8(cell);
          if (Utf16Length(cps) > static_cast<size_t>(truncate)) {
            cell = truncate < 4 ? Utf16Prefix(cps, truncate) : Utf16Prefix(cps, truncate - 3) + "...";
          }
        }
        row.push_back(std::move(cell));
      }
      rows.push_back(std::move(row));
    }
  }
  bool has_more = static_cast<int64_t>(rows.size()) - 1 > num_rows;
  if (has_more) rows.resize(num_rows + 1);
  const int kMinWidth = 3;
  std::string out;
  size_t num_cols = header.size();
  if (!vertical) {
    std::vector<int> widths(num_cols, kMinWidth);
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
    std::string sep = "+";
    for (int w : widths) sep += std::string(w, '-') + "+";
    sep += "\n";
    auto emit = [&](const std::vector<std::string>& row) {
      out += "|";
      for (size_t i = 0; i < row.size(); ++i) out += Pad(row[i], widths[i], truncate > 0) + "|";
      out += "\n";
    };
    out += sep;
    emit(rows[0]);
    out += sep;
    for (size_t r = 1; r < rows.size(); ++r) emit(rows[r]);
    out += sep;
  } else {
    int name_width = kMinWidth;
    for (const auto& name : header) name_width = std::max(name_width, DisplayWidth(name));
    int data_width = kMinWidth;
    for (size_t r = 1; r < rows.size(); ++r) {
      for (const auto& cell : rows[r]) data_width = std::max(data_width, DisplayWidth(cell));
    }
    for (size_t r = 1; r < rows.size(); ++r) {
      std::string record_header = "-RECORD " + std::to_string(r - 1);
      int total = name_width + data_width + 5;
      if (static_cast<int>(record_header.size()) < total) record_header += std::string(total - record_header.size(), '-');
      out += record_header + "\n";
      for (size_t c = 0; c < num_cols; ++c) {
        out += " " + Pad(header[c], name_width, false) + " | " + Pad(rows[r][c], data_width, false) + " \n";
      }
    }
  }
  if (vertical && rows.size() == 1) {
    out += "(0 rows)";
  } else if (has_more) {
    out += "only showing top " + std::to_string(num_rows) + (num_rows == 1 ? " row" : " rows");
  }
  return out;
}

namespace {

struct ShowSinkState : BufferedSinkState {
  OrderedBatches batches;
};

class ShowString : public BufferedSinkOperator {
 public:
  ShowString(OperatorPtr child, int32_t num_rows, int32_t truncate, bool vertical)
      : BufferedSinkOperator(arrow::schema({arrow::field("show_string", arrow::utf8(), false)}),
                             SingleChild(std::move(child))),
        num_rows_(num_rows), truncate_(truncate), vertical_(vertical) {}

  std::string name() const override { return "ShowString"; }
  std::string details() const override {
    return "(rows=" + std::to_string(num_rows_) + ", truncate=" + std::to_string(truncate_) +
           (vertical_ ? ", vertical)" : ")");
  }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<ShowSinkState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    auto& state = static_cast<ShowSinkState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    state.batches.Add(chunk.batch_index, batch, chunk.last_part);
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global) const override {
    auto& state = static_cast<ShowSinkState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto text, FormatShowString(state.batches.TakeAll(), *children()[0]->schema(), num_rows_, truncate_,
                                                      vertical_, ctx.eval));
    arrow::StringBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Append(text));
    ARROW_ASSIGN_OR_RAISE(auto column, builder.Finish());
    state.output.push_back(arrow::RecordBatch::Make(schema(), 1, {column}));
    return Status::OK();
  }

 private:
  int32_t num_rows_, truncate_;
  bool vertical_;
};

}  // namespace

OperatorPtr MakeShowString(OperatorPtr child, int32_t num_rows, int32_t truncate, bool vertical) {
  return std::make_unique<ShowString>(std::move(child), num_rows, truncate, vertical);
}

}  // namespace sk8::exec
