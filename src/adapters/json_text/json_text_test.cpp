#include "adapters/json_text/json_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace xb::json_text {
namespace {

using nlohmann::json;

std::string Dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string Written(std::string_view s) {
  std::string out;
  AppendString(s, out);
  return out;
}

TEST(JsonTextTest, StringsAreWrittenAsNlohmannDumpsThem) {
  const std::vector<std::string> cases = {
      "",
      "plain ascii",
      "quote \" and backslash \\ and slash /",
      "\b\f\n\r\t",
      std::string("nul \0 inside", 12),
      "\x01\x02\x1f\x7f",  // DEL is not escaped
      "张三 保税区 1 号",
      "emoji \xF0\x9F\x98\x80 and \xE2\x82\xAC",
      "U+10FFFF \xF4\x8F\xBF\xBF",
      "mixed \"张三\"\n",
      // Not UTF-8: nlohmann replaces each bad sequence with U+FFFD.
      "lone continuation \x80 byte",
      "truncated \xE5\xBC",
      "truncated at the end \xF0\x9F\x98",
      "overlong \xC0\xAF and \xE0\x80\xAF",
      "surrogate \xED\xA0\x80",
      "above U+10FFFF \xF4\x90\x80\x80",
      "\xFF\xFE",
      "bad then quote \xC3\"",
      "control and bad \n\xC3(",
  };
  for (const auto& s : cases) EXPECT_EQ(Written(s), Dumped(json(s))) << s;
}

TEST(JsonTextTest, InvalidUtf8IsReplacedSoTheOutputIsAlwaysValid) {
  EXPECT_EQ(Written("a\x80z"), "\"a\xEF\xBF\xBDz\"");
  EXPECT_TRUE(json::accept(Written("\xE5\xBC\xFF\"")));
  EXPECT_EQ(json::parse(Written("\xC3(")).get<std::string>(), "\xEF\xBF\xBD(");
}

TEST(JsonTextTest, RandomStringsMatchNlohmann) {
  // Bytes drawn mostly from the interesting ones: controls, quote, backslash, UTF-8 lead and
  // continuation bytes, and the boundaries of the forbidden ranges.
  const unsigned char interesting[] = {0x00, 0x08, 0x09, 0x0a, 0x1f, 0x20, '"',  '\\', 'a',
                                       0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1,
                                       0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
  std::mt19937 rng(20261126);
  std::uniform_int_distribution<int> length(0, 24);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof interesting - 1);
  std::uniform_int_distribution<int> any(0, 255);
  std::bernoulli_distribution from_interesting(0.7);
  for (int n = 0; n < 200'000; ++n) {
    std::string s;
    const int len = length(rng);
    for (int i = 0; i < len; ++i) {
      s += static_cast<char>(from_interesting(rng) ? interesting[pick(rng)]
                                                   : static_cast<unsigned char>(any(rng)));
    }
    ASSERT_EQ(Written(s), Dumped(json(s)))
        << json(s).dump(-1, ' ', true, json::error_handler_t::replace);
  }
}

TEST(JsonTextTest, IntegersAreWrittenAsNlohmannDumpsThem) {
  for (const std::int64_t n :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{42},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    std::string out;
    AppendInt(n, out);
    EXPECT_EQ(out, json(n).dump());
  }
}

TEST(JsonTextTest, ObjectsNestAndMatchNlohmann) {
  std::string out;
  {
    Object o(out);
    {
      Object b(o.Key("buyer"));
      b.Text("id_type", "id_card");
      b.Text("name", "张\"三\"");
    }
    std::string& lines = o.Key("lines");
    lines += '[';
    {
      Object l(lines);
      l.Int("quantity", 2);
    }
    lines += ',';
    { Object empty(lines); }
    lines += ']';
    o.Bool("passed", false);
    o.Null("reservation_id");
    o.Int("total", -5);
  }
  const json want = {{"total", -5},
                     {"passed", false},
                     {"reservation_id", nullptr},
                     {"lines", json::array({{{"quantity", 2}}, json::object()})},
                     {"buyer", {{"name", "张\"三\""}, {"id_type", "id_card"}}}};
  EXPECT_EQ(out, Dumped(want));
  std::string none;
  { Object o(none); }
  EXPECT_EQ(none, "{}");
}

}  // namespace
}  // namespace xb::json_text
