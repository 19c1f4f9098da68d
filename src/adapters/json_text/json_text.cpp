#include "adapters/json_text/json_text.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace xb::json_text {
namespace {

bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// The high bit of each byte of `x` that is below 0x20, a quote or a backslash (bytes of 0x80 and
// above may be flagged too; they are looked at separately).
std::uint64_t EscapeBytes(std::uint64_t x) {
  const std::uint64_t quote = x ^ (kOnes * '"');
  const std::uint64_t backslash = x ^ (kOnes * '\\');
  return ((x - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) & kHighs;
}

// What a string holds that plain copying would get wrong: characters to escape, and bytes of
// 0x80 and above (UTF-8 to check). Eight bytes at a time; text is mostly short and plain.
struct Scan {
  bool escapes = false;
  bool ascii = true;
};
Scan ScanText(std::string_view s) {
  Scan r;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, s.data() + i, 8);
    if ((x & kHighs) != 0) r.ascii = false;
    if ((EscapeBytes(x) & ~x) != 0) r.escapes = true;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) r.ascii = false;
    if (NeedsEscape(c)) r.escapes = true;
  }
  return r;
}

}  // namespace

void AppendString(std::string_view s, std::string& out) {
  const auto [escapes, ascii] = ScanText(s);
  if (!ascii && !xb::IsUtf8(s)) {
    out += nlohmann::json(std::string(s))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  if (!escapes) {
    out += s;
    out += '"';
    return;
  }
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!NeedsEscape(c)) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        constexpr char kHex[] = "0123456789abcdef";
        const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4U], kHex[c & 0xFU]};
        out.append(u, sizeof u);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void AppendInt(std::int64_t n, std::string& out) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

}  // namespace xb::json_text
