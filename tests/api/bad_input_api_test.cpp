// Bad requests: each is refused with a 4xx, an error code, the field to blame where there is one,
// and leaves the data as it was.
#include "api_support.h"

namespace xb::apitest {
namespace {

class BadInputApi : public ServerTest<BadInputApi> {
 protected:
  std::int64_t SkuCount() { return Total("/api/v1/skus?status=all"); }

  // POSTs raw `body` to /api/v1/skus.
  Response PostSkuText(const std::string& body) {
    return Send("POST", "/api/v1/skus", body, admin());
  }
};
XB_API_BACKENDS(BadInputApi);

TEST_P(BadInputApi, MalformedJsonIsRejected) {
  const auto before = SkuCount();
  EXPECT_TRUE(IsError(PostSkuText(R"({"code": "BROKEN", "name": )"), 400, "INVALID_ARGUMENT"));
  EXPECT_TRUE(IsError(PostSkuText("{'code': 'single quotes'}"), 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, EmptyBodyIsRejected) {
  const auto before = SkuCount();
  EXPECT_TRUE(IsError(Send("POST", "/api/v1/skus", "", admin()), 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, JsonArrayBodyIsRejected) {
  const auto before = SkuCount();
  const json array = json::array({SkuBody(Unique("ARR"))});
  EXPECT_TRUE(IsError(PostSkuText(array.dump()), 400, "INVALID_ARGUMENT"));
  EXPECT_TRUE(IsError(PostSkuText("\"just a string\""), 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, WeightGivenAsTextIsRejected) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("WTXT"));
  body["weight_g"] = "250";
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "weight_g"));
  body["weight_g"] = 2.5;
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "weight_g"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, PositiveListGivenAsYesIsRejected) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("PLYES"));
  body["positive_list"] = "yes";
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "positive_list"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, UnknownFieldIsRejected) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("UNK"));
  body["colour"] = "red";
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "colour"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, ReadOnlyFieldsInTheBodyAreRejected) {
  const auto before = SkuCount();
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, json>>{{"id", 4242},
                                                 {"version", 7},
                                                 {"status", "archived"},
                                                 {"created_at", "2020-01-01T00:00:00Z"}}) {
    json body = SkuBody(Unique("RO"));
    body[field] = value;
    EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", field));
  }
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, MissingRequiredFieldIsRejected) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("MISS"));
  body.erase("hs_code");
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "hs_code"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, BodyLargerThanTheLimitIsPayloadTooLarge) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("HUGE"));
  body["name"] = std::string(100 * 1024, 'x');
  const std::string text = body.dump();
  ASSERT_GT(text.size(), kMaxBodyBytes);
  const Response r = PostSkuText(text);
  EXPECT_TRUE(IsError(r, 413, "PAYLOAD_TOO_LARGE"));
  // The server survives it.
  EXPECT_EQ(Get("/healthz", "").status, 200);
  // A body just under the limit is read and judged on its content.
  body["name"] = std::string(kMaxBodyBytes - 1024, 'x');
  EXPECT_TRUE(IsFieldError(PostSkuText(body.dump()), 400, "INVALID_ARGUMENT", "name"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, TextWithControlCharactersIsRejected) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("CTRL"));
  body["name"] = "two\nlines";
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "name"));
  body["name"] = std::string("nul\0inside", 10);
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "name"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, GtinWithWrongCheckDigitIsRejected) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("GTIN"));
  body["gtin"] = "4006381333932";  // 4006381333931 is valid
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "gtin"));
  body["gtin"] = "40063813339";  // 11 digits
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "gtin"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, HsCodeOfSixOrNineDigitsIsRejected) {
  const auto before = SkuCount();
  for (const char* hs : {"330499", "330499001", "3304990A"}) {
    json body = SkuBody(Unique("HS"));
    body["hs_code"] = hs;
    EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "hs_code")) << hs;
  }
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, NegativeWeightIsRejected) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("NEG"));
  body["weight_g"] = -5;
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "weight_g"));
  body["weight_g"] = 5;
  body["legal_quantity"] = -1;
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "legal_quantity"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, DuplicateCodeIsAlreadyExists) {
  const std::string code = Unique("DUP");
  Create("/api/v1/skus", SkuBody(code));
  const auto before = SkuCount();
  json again = SkuBody(code);
  again["name"] = "Another name";
  EXPECT_TRUE(IsError(Post("/api/v1/skus", again), 409, "ALREADY_EXISTS"));
  EXPECT_EQ(SkuCount(), before);
  EXPECT_EQ(GetJson("/api/v1/skus?code=" + code)["items"][0]["name"], "Test SKU " + code);
}

// The conflict names the field to blame, and does not leak database internals.
TEST_P(BadInputApi, DuplicateCodeNamesTheCodeField) {
  const std::string code = Unique("DUPF");
  Create("/api/v1/skus", SkuBody(code));
  const Response r = Post("/api/v1/skus", SkuBody(code));
  EXPECT_TRUE(IsFieldError(r, 409, "ALREADY_EXISTS", "code"));
  EXPECT_EQ(r.body.find("catalog_sku"), std::string::npos) << r;
}

TEST_P(BadInputApi, UnknownQueryParameterIsRejected) {
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?colour=red"), 400, "INVALID_ARGUMENT", "colour"));
  // A real field that is not filterable is no filter either.
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?weight_g=100"), 400, "INVALID_ARGUMENT", "weight_g"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/events?colour=red"), 400, "INVALID_ARGUMENT", "colour"));
}

TEST_P(BadInputApi, FilterValueOfTheWrongTypeIsRejected) {
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?positive_list=maybe"), 400, "INVALID_ARGUMENT",
                           "positive_list"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?category=toys"), 400, "INVALID_ARGUMENT", "category"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?brand_id=x"), 400, "INVALID_ARGUMENT", "brand_id"));
}

TEST_P(BadInputApi, LimitOutsideOneToFiveHundredIsRejected) {
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?limit=0"), 400, "INVALID_ARGUMENT", "limit"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?limit=501"), 400, "INVALID_ARGUMENT", "limit"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?limit=-1"), 400, "INVALID_ARGUMENT", "limit"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?limit=ten"), 400, "INVALID_ARGUMENT", "limit"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?offset=-1"), 400, "INVALID_ARGUMENT", "offset"));
  EXPECT_EQ(Get("/api/v1/skus?limit=1").status, 200);
  EXPECT_EQ(Get("/api/v1/skus?limit=500").status, 200);
  EXPECT_TRUE(IsFieldError(Get("/api/v1/events?limit=1001"), 400, "INVALID_ARGUMENT", "limit"));
}

TEST_P(BadInputApi, SkuWithUnknownBrandIsRejected) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("NOBRAND"));
  body["brand_id"] = 987654;
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "brand_id"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, SkuWithArchivedBrandIsRefused) {
  const json brand = Create("/api/v1/brands", BrandBody(Unique("OLD-BRD")));
  ASSERT_EQ(Post("/api/v1/brands/" + std::to_string(brand["id"].get<std::int64_t>()) + "/archive",
                 json::object())
                .status,
            200);
  const auto before = SkuCount();
  json body = SkuBody(Unique("OLDBRAND"));
  body["brand_id"] = brand["id"];
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 422, "FAILED_PRECONDITION", "brand_id"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, EnumValueOutsideItsListIsRejected) {
  const auto before = SkuCount();
  json body = SkuBody(Unique("ENUM"));
  body["category"] = "toys";
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "category"));
  body["category"] = "cosmetics";
  body["legal_unit"] = "bushel";
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "legal_unit"));
  body["legal_unit"] = "piece";
  body["vat_class"] = "Standard";  // case matters
  EXPECT_TRUE(IsFieldError(Post("/api/v1/skus", body), 400, "INVALID_ARGUMENT", "vat_class"));
  EXPECT_EQ(SkuCount(), before);
}

TEST_P(BadInputApi, MalformedPercentEncodingIsRejected) {
  const auto before = SkuCount();
  EXPECT_TRUE(IsError(Get("/api/v1/skus?q=%zz"), 400, "INVALID_ARGUMENT"));
  EXPECT_TRUE(IsError(Get("/api/v1/skus?q=abc%4"), 400, "INVALID_ARGUMENT"));
  EXPECT_TRUE(IsError(Get("/api/v1/skus/%G1"), 400, "INVALID_ARGUMENT"));
  const Response post = Send("POST", "/api/v1/sk%us", SkuBody(Unique("PCT")).dump(), admin());
  EXPECT_TRUE(IsError(post, 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(SkuCount(), before);
  // Well-formed escapes are decoded.
  EXPECT_EQ(Get("/api/v1/sku%73").status, 200);
}

TEST_P(BadInputApi, BadPatchChangesNothing) {
  const json sku = Create("/api/v1/skus", SkuBody(Unique("BADPATCH")));
  const std::string path = "/api/v1/skus/" + std::to_string(sku["id"].get<std::int64_t>());
  // A valid change next to a bad one: neither is applied.
  EXPECT_TRUE(IsFieldError(Patch(path, {{"name", "Changed"}, {"weight_g", "heavy"}}), 400,
                           "INVALID_ARGUMENT", "weight_g"));
  EXPECT_TRUE(
      IsFieldError(Patch(path, {{"name", "Changed"}, {"id", 1}}), 400, "INVALID_ARGUMENT", "id"));
  EXPECT_TRUE(IsFieldError(Patch(path, {{"name", "Changed"}, {"hs_code", "123"}}), 400,
                           "INVALID_ARGUMENT", "hs_code"));
  EXPECT_TRUE(IsFieldError(Patch(path, {{"name", "Changed"}, {"version", "1"}}), 400,
                           "INVALID_ARGUMENT", "version"));
  EXPECT_TRUE(IsFieldError(Patch(path, {{"name", "Changed"}, {"brand_id", 987654}}), 400,
                           "INVALID_ARGUMENT", "brand_id"));
  EXPECT_TRUE(IsError(Send("PATCH", path, "[1]", admin()), 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(GetJson(path), sku);
  EXPECT_EQ(GetJson(path + "/history")["total"], 1);
}

}  // namespace
}  // namespace xb::apitest
