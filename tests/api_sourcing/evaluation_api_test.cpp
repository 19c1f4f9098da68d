// Supplier evaluation over HTTP: indicator trees and their versions, weights entered or derived
// by AHP (with the CR refusal naming the comparisons), scores entered and computed from
// operations, scorecards, trend, ranking (weighted and TOPSIS), bands, single-source risk and
// who may do what.
#include <cmath>
#include <set>

#include "sourcing_api_support.h"

namespace xb::apitest {
namespace {

class EvaluationApi : public SourcingApi<EvaluationApi> {};
XB_API_BACKENDS(EvaluationApi);

std::string TreePath(const json& tree) {
  return "/api/v1/evaluation/trees/" + std::to_string(tree["id"].get<std::int64_t>());
}

TEST_P(EvaluationApi, ATreeGoesFromTemplateDraftToActiveAndRetired) {
  const auto t = NewTenant();
  EXPECT_EQ(GetJson("/api/v1/evaluation/trees", t.admin_key)["total"], 0);
  const Response created =
      PostAs("/api/v1/evaluation/trees", {{"name", "Paper"}, {"from", "template"}}, t.admin_key);
  ASSERT_EQ(created.status, 201) << created;
  const json draft = created.Json();
  EXPECT_EQ(draft["status"], "draft");
  EXPECT_EQ(draft["version_no"], 1);
  EXPECT_TRUE(draft["activated_at"].is_null());
  ASSERT_EQ(draft["indicators"].size(), 6U);
  const std::vector<std::string> first_level = {"performance", "financial",    "cost",
                                                "quality",     "organisation", "other"};
  for (std::size_t i = 0; i < first_level.size(); ++i) {
    EXPECT_EQ(draft["indicators"][i]["code"], first_level[i]);
    EXPECT_TRUE(draft["indicators"][i]["weight"].is_number());
  }
  const json& child = draft["indicators"][0]["children"][2];
  EXPECT_EQ(child["code"], "lead_time_variability");
  EXPECT_EQ(child["direction"], "lower_is_better");
  EXPECT_EQ(child["scale_min"], 0);
  EXPECT_EQ(child["scale_max"], 100);
  EXPECT_EQ(GetJson(TreePath(draft), t.admin_key), draft);

  const json list = GetJson("/api/v1/evaluation/trees", t.admin_key);
  ASSERT_EQ(list["total"], 1);
  for (const char* k :
       {"id", "name", "version_no", "status", "created_by", "created_at", "activated_at"}) {
    EXPECT_TRUE(list["items"][0].contains(k)) << k;
  }

  const Response active = PostAs(TreePath(draft) + "/activate", json::object(), t.admin_key);
  ASSERT_EQ(active.status, 200) << active;
  EXPECT_EQ(active.Json()["status"], "active");
  EXPECT_TRUE(active.Json()["activated_at"].is_string());

  // An active version no longer changes.
  json body = {{"indicators", draft["indicators"]}, {"version", active.Json()["version"]}};
  EXPECT_TRUE(IsError(Put(TreePath(draft), body, t.admin_key), 422, "FAILED_PRECONDITION"));

  const json v2 = Create("/api/v1/evaluation/trees", {{"from", "active"}}, t.admin_key);
  EXPECT_EQ(v2["version_no"], 2);
  EXPECT_EQ(v2["status"], "draft");
  EXPECT_EQ(v2["indicators"], draft["indicators"]);
  ASSERT_EQ(PostAs(TreePath(v2) + "/activate", json::object(), t.admin_key).status, 200);
  EXPECT_EQ(GetJson(TreePath(draft), t.admin_key)["status"], "retired");
  EXPECT_TRUE(IsError(PostAs(TreePath(draft) + "/activate", json::object(), t.admin_key), 422,
                      "FAILED_PRECONDITION"));
  EXPECT_EQ(Events(t.admin_key, "evaluation.tree.created").size(), 2U);
  EXPECT_EQ(Events(t.admin_key, "evaluation.tree.activated").size(), 2U);

  EXPECT_TRUE(IsFieldError(PostAs("/api/v1/evaluation/trees", {{"from", "12345"}}, t.admin_key),
                           400, "INVALID_ARGUMENT", "from"));
  EXPECT_TRUE(IsError(Get("/api/v1/evaluation/trees/999999", t.admin_key), 404, "NOT_FOUND"));
}

TEST_P(EvaluationApi, ReplacingADraftValidatesTheTree) {
  const auto t = NewTenant();
  const json draft = Create("/api/v1/evaluation/trees", {{"from", "template"}}, t.admin_key);
  json indicators = draft["indicators"];
  indicators[0]["weight"] = 0.5;
  Response r = Put(TreePath(draft), {{"indicators", indicators}, {"version", draft["version"]}},
                   t.admin_key);
  ASSERT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "indicators"));
  const std::string message = r.Json()["error"]["message"];
  EXPECT_NE(message.find("sum to 1.25"), std::string::npos) << message;
  EXPECT_NE(message.find("tolerance"), std::string::npos) << message;

  indicators = draft["indicators"];
  indicators[3]["children"][1].erase("weight");
  r = Put(TreePath(draft), {{"indicators", indicators}}, t.admin_key);
  ASSERT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "indicators.shelf_life_at_arrival")) << r;

  indicators = draft["indicators"];
  indicators[3]["children"][1]["colour"] = "red";
  EXPECT_TRUE(IsError(Put(TreePath(draft), {{"indicators", indicators}}, t.admin_key), 400,
                      "INVALID_ARGUMENT"));

  // A tree of the buyer's own: two indicators, custom scale.
  const json own = json::array({{{"code", "delivery"},
                                 {"name", "Delivery"},
                                 {"weight", 0.6},
                                 {"children", {{{"code", "on_time_rate"}, {"weight", 1}}}}},
                                {{"code", "price"},
                                 {"name", "Price"},
                                 {"weight", 0.4},
                                 {"children",
                                  {{{"code", "price_level"},
                                    {"weight", 1},
                                    {"direction", "lower_is_better"},
                                    {"scale_min", 1},
                                    {"scale_max", 5}}}}}});
  r = Put(TreePath(draft), {{"name", "Own"}, {"indicators", own}, {"version", draft["version"]}},
          t.admin_key);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Json()["name"], "Own");
  EXPECT_EQ(r.Json()["indicators"][1]["children"][0]["scale_max"], 5);
  EXPECT_EQ(r.Json()["indicators"][0]["children"][0]["name"], "on_time_rate");
  // The same version again is stale.
  EXPECT_TRUE(IsError(
      Put(TreePath(draft), {{"indicators", own}, {"version", draft["version"]}}, t.admin_key), 409,
      "CONFLICT"));
}

TEST_P(EvaluationApi, AhpDerivesWeightsOrNamesTheComparisonsThatDisagree) {
  const auto t = NewTenant();
  const json draft = Create("/api/v1/evaluation/trees", {{"from", "template"}}, t.admin_key);
  // Performance's three children: on-time 3x fill rate, 2x lead-time variability.
  Response r = PostAs(TreePath(draft) + "/ahp",
                      {{"node", "performance"},
                       {"matrix", {{1, 3, 2}, {"1/3", 1, "1/2"}, {"1/2", 2, 1}}},
                       {"ri_table", "saaty"}},
                      t.admin_key);
  ASSERT_EQ(r.status, 200) << r;
  const json tree = r.Json();
  const json& kids = tree["indicators"][0]["children"];
  EXPECT_GT(kids[0]["weight"].get<double>(), kids[2]["weight"].get<double>());
  EXPECT_GT(kids[2]["weight"].get<double>(), kids[1]["weight"].get<double>());
  double sum = 0;
  for (const auto& k : kids) sum += k["weight"].get<double>();
  EXPECT_NEAR(sum, 1, 1e-9);
  ASSERT_EQ(tree["judgements"].size(), 1U);
  EXPECT_EQ(tree["judgements"][0]["node"], "performance");
  EXPECT_EQ(tree["judgements"][0]["ri_table"], "saaty");
  EXPECT_LT(tree["judgements"][0]["cr"].get<double>(), 0.10);
  EXPECT_TRUE(tree["judgements"][0]["lambda_max"].is_number());

  // a ≫ b, b ≫ c, c ≫ a: refused, naming the comparisons.
  r = PostAs(TreePath(draft) + "/ahp",
             {{"node", "performance"}, {"matrix", {{1, 9, "1/9"}, {"1/9", 1, 9}, {9, "1/9", 1}}}},
             t.admin_key);
  ASSERT_TRUE(IsError(r, 422, "FAILED_PRECONDITION"));
  const json err = r.Json()["error"];
  EXPECT_GT(err["cr"].get<double>(), 0.10);
  ASSERT_TRUE(err["disagreements"].is_array());
  ASSERT_FALSE(err["disagreements"].empty());
  const std::set<std::string> names = {"on_time_rate", "fill_rate", "lead_time_variability"};
  for (const auto& d : err["disagreements"]) {
    EXPECT_EQ(names.count(d["row_code"].get<std::string>()), 1U) << d;
    EXPECT_EQ(names.count(d["column_code"].get<std::string>()), 1U) << d;
    EXPECT_TRUE(d["row"].is_number_integer() && d["row"].get<int>() < 3) << d;
    EXPECT_TRUE(d["column"].is_number_integer() && d["column"].get<int>() < 3) << d;
    EXPECT_TRUE(d["given"].is_number() && d["implied"].is_number()) << d;
  }
  EXPECT_NE(err["message"].get<std::string>().find("on_time_rate vs"), std::string::npos) << err;
  EXPECT_EQ(GetJson(TreePath(draft), t.admin_key)["version"], tree["version"])
      << "a refused matrix changes nothing";

  // Malformed matrices are named.
  r = PostAs(TreePath(draft) + "/ahp",
             {{"node", "performance"}, {"matrix", {{1, 3, 2}, {3, 1, "1/2"}, {"1/2", 2, 1}}}},
             t.admin_key);
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "matrix")) << r;
  EXPECT_NE(r.body.find("row 2, column 1"), std::string::npos) << r;
  r = PostAs(TreePath(draft) + "/ahp",
             {{"node", "performance"}, {"matrix", {{1, -3, 2}, {"1/3", 1, "1/2"}, {"1/2", 2, 1}}}},
             t.admin_key);
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "matrix")) << r;
  r = PostAs(TreePath(draft) + "/ahp", {{"node", "root"}, {"matrix", {{1, 2}, {"1/2", 1}}}},
             t.admin_key);
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "matrix")) << r;
  r = PostAs(TreePath(draft) + "/ahp", {{"node", "nope"}, {"matrix", {{1}}}}, t.admin_key);
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "node")) << r;
}

TEST_P(EvaluationApi, ThePreviewReproducesSaatysDrinksVector) {
  const json body = {{"criteria", {"coffee", "wine", "tea", "beer", "soda", "milk", "water"}},
                     {"matrix",
                      {{1, 9, 5, 2, 1, 1, "1/2"},
                       {"1/9", 1, "1/3", "1/9", "1/9", "1/9", "1/9"},
                       {"1/5", 3, 1, "1/3", "1/4", "1/3", "1/9"},
                       {"1/2", 9, 3, 1, "1/2", 1, "1/3"},
                       {1, 9, 4, 2, 1, 2, "1/2"},
                       {1, 9, 3, 1, "1/2", 1, "1/3"},
                       {2, 9, 9, 3, 2, 3, 1}}}};
  const Response r = Post("/api/v1/evaluation/ahp", body);
  ASSERT_EQ(r.status, 200) << r;
  const json out = r.Json();
  const std::vector<double> expected = {0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327};
  ASSERT_EQ(out["weights"].size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(out["weights"][i].get<double>(), expected[i], 0.0005) << i;
  }
  EXPECT_NEAR(out["cr"].get<double>(), 0.022, 0.002);
  EXPECT_EQ(out["ri_table"], "saaty");
  EXPECT_EQ(out["consistent"], true);
  for (const char* k : {"lambda_max", "ci", "disagreements"}) EXPECT_TRUE(out.contains(k)) << k;

  json alonso = body;
  alonso["ri_table"] = "alonso";
  EXPECT_EQ(Post("/api/v1/evaluation/ahp", alonso).Json()["ri_table"], "alonso");
  alonso["ri_table"] = "mine";
  EXPECT_TRUE(
      IsFieldError(Post("/api/v1/evaluation/ahp", alonso), 400, "INVALID_ARGUMENT", "ri_table"));
}

TEST_P(EvaluationApi, ScoresAreCheckedAndScorecardsShowTheirBreakdown) {
  const auto t = NewTenant();
  const json tree = ActiveTree(t.admin_key);
  const auto a = Supplier(t.admin_key, Unique("SA"));
  const auto b = Supplier(t.admin_key, Unique("SB"));
  const auto c = Supplier(t.admin_key, Unique("SC"));

  Response r = Put("/api/v1/evaluation/scores",
                   {{"supplier_id", a}, {"period", "2025-05"}, {"scores", {{"on_time_rate", 101}}}},
                   t.admin_key);
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "scores.on_time_rate")) << r;
  EXPECT_NE(r.body.find("on_time_rate"), std::string::npos);
  r = Put("/api/v1/evaluation/scores",
          {{"supplier_id", a}, {"period", "2025-05"}, {"scores", {{"karma", 50}}}}, t.admin_key);
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "scores.karma")) << r;
  r = Put("/api/v1/evaluation/scores",
          {{"supplier_id", a}, {"period", "May"}, {"scores", {{"fill_rate", 50}}}}, t.admin_key);
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "period")) << r;
  r = Put("/api/v1/evaluation/scores",
          {{"supplier_id", 999999}, {"period", "2025-05"}, {"scores", {{"fill_rate", 50}}}},
          t.admin_key);
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "supplier_id")) << r;

  // One score: the total stays empty and the rest is listed as missing.
  r = Put("/api/v1/evaluation/scores",
          {{"supplier_id", c},
           {"period", "2025-05"},
           {"scores", {{"on_time_rate", 88}}},
           {"note", "from the site audit"}},
          t.admin_key);
  ASSERT_EQ(r.status, 200) << r;
  json card = r.Json();
  EXPECT_TRUE(card["total"].is_null());
  EXPECT_TRUE(card["band"].is_null());
  EXPECT_EQ(card["missing"].size(), 13U);
  const json& on_time = card["breakdown"][0]["children"][0];
  EXPECT_EQ(on_time["code"], "on_time_rate");
  EXPECT_EQ(on_time["score"], 88);
  EXPECT_EQ(on_time["source"], "entered");
  EXPECT_EQ(on_time["evaluator"].get<std::string>().rfind("key:", 0), 0U);
  EXPECT_TRUE(on_time["at"].is_string());

  json scores = Uniform(tree, 60);
  scores["price_level"] = 20;  // lower is better: normalised 80
  card = Score(t.admin_key, a, "2025-05", scores);
  ASSERT_TRUE(card["total"].is_number()) << card;
  EXPECT_NEAR(card["total"].get<double>(), 0.8 * 60 + 0.2 * (0.6 * 80 + 0.4 * 60), 1e-9);
  EXPECT_EQ(card["band"], "approved");
  EXPECT_EQ(card["consequence"], "none");
  const json& cost = card["breakdown"][2];
  EXPECT_EQ(cost["code"], "cost");
  EXPECT_NEAR(cost["subtotal"].get<double>(), 72, 1e-9);
  EXPECT_NEAR(cost["contribution"].get<double>(), 0.2 * 72, 1e-9);
  EXPECT_NEAR(cost["children"][0]["normalised"].get<double>(), 80, 1e-9);
  Score(t.admin_key, b, "2025-05", Uniform(tree, 35));

  const json page = GetJson("/api/v1/evaluation/scorecards?period=2025-05", t.admin_key);
  ASSERT_EQ(page["total"], 3) << page;
  EXPECT_EQ(page["items"][0]["supplier_id"], a);
  EXPECT_EQ(page["items"][0]["rank"], 1);
  EXPECT_EQ(page["items"][1]["supplier_id"], b);
  EXPECT_EQ(page["items"][1]["band"], "watch");
  EXPECT_EQ(page["items"][1]["consequence"], "warn");
  EXPECT_EQ(page["items"][2]["supplier_id"], c);
  EXPECT_TRUE(page["items"][2]["total"].is_null());
  EXPECT_TRUE(page["items"][2]["rank"].is_null());
  EXPECT_FALSE(page["items"][0]["supplier_code"].get<std::string>().empty());
  EXPECT_FALSE(page["items"][0]["supplier_name"].get<std::string>().empty());
  const json one = GetJson(
      "/api/v1/evaluation/scorecards?period=2025-05&supplier_id=" + std::to_string(b), t.admin_key);
  ASSERT_EQ(one["total"], 1);
  EXPECT_EQ(one["items"][0]["rank"], 2);
  EXPECT_TRUE(IsFieldError(Get("/api/v1/evaluation/scorecards", t.admin_key), 400,
                           "INVALID_ARGUMENT", "period"));
  EXPECT_EQ(Events(t.admin_key, "evaluation.score.entered").size(), 3U);
}

TEST_P(EvaluationApi, TheTotalIsThePapersFormulaToTheLastDigit) {
  const auto t = NewTenant();
  const json tree = ActiveTree(t.admin_key);
  const auto s = Supplier(t.admin_key, Unique("S"));
  json scores = json::object();
  double v = 13.7;
  for (const auto& ind : tree["indicators"]) {
    for (const auto& sub : ind["children"]) {
      scores[sub["code"].get<std::string>()] = v;
      v = std::fmod(v * 7.3 + 11.1, 100.0);
    }
  }
  // Σ_i w_i · (Σ_j w_ij · s_ij), evaluated in the same order as the server.
  double expected = 0;
  for (const auto& ind : tree["indicators"]) {
    double subtotal = 0;
    for (const auto& sub : ind["children"]) {
      const double lo = sub["scale_min"];
      const double hi = sub["scale_max"];
      double normalised =
          (scores[sub["code"].get<std::string>()].get<double>() - lo) / (hi - lo) * 100.0;
      if (sub["direction"] == "lower_is_better") normalised = 100.0 - normalised;
      subtotal += sub["weight"].get<double>() * normalised;
    }
    expected += ind["weight"].get<double>() * subtotal;
  }
  const json card = Score(t.admin_key, s, "2025-06", scores);
  EXPECT_EQ(card["total"].get<double>(), expected);
  const json listed = GetJson("/api/v1/evaluation/scorecards?period=2025-06", t.admin_key);
  EXPECT_EQ(listed["items"][0]["total"].get<double>(), expected);
}

TEST_P(EvaluationApi, ANewVersionNeverRewritesScoresOfTheOldOne) {
  const auto t = NewTenant();
  const json v1 = ActiveTree(t.admin_key);
  const auto s = Supplier(t.admin_key, Unique("S"));
  json scores = Uniform(v1, 70);
  scores["solvency"] = 10;
  const double before = Score(t.admin_key, s, "2025-04", scores)["total"];

  const json v2 = Create("/api/v1/evaluation/trees", {{"from", "active"}}, t.admin_key);
  json indicators = v2["indicators"];
  indicators[0]["weight"] = 0.05;  // performance
  indicators[1]["weight"] = 0.30;  // financial status
  ASSERT_EQ(Put(TreePath(v2), {{"indicators", indicators}, {"version", v2["version"]}}, t.admin_key)
                .status,
            200);
  ASSERT_EQ(PostAs(TreePath(v2) + "/activate", json::object(), t.admin_key).status, 200);
  const double after = Score(t.admin_key, s, "2025-04", scores)["total"];
  EXPECT_LT(after, before) << "the new weights count financial status more";

  const std::string q = "/api/v1/evaluation/scorecards?period=2025-04&tree_id=";
  const json old = GetJson(q + std::to_string(v1["id"].get<std::int64_t>()), t.admin_key);
  EXPECT_EQ(old["items"][0]["total"], before);
  const json now = GetJson("/api/v1/evaluation/scorecards?period=2025-04", t.admin_key);
  EXPECT_EQ(now["tree_id"], v2["id"]);
  EXPECT_EQ(now["items"][0]["total"], after);
}

TEST_P(EvaluationApi, TrendRankingAndBands) {
  const auto t = NewTenant();
  const json tree = ActiveTree(t.admin_key);
  const auto a = Supplier(t.admin_key, Unique("A"));
  const auto b = Supplier(t.admin_key, Unique("B"));
  const auto c = Supplier(t.admin_key, Unique("C"));
  const auto sku = Sku(t.admin_key, Unique("SKU"));
  Score(t.admin_key, a, "2025-Q1", Uniform(tree, 40));
  Score(t.admin_key, a, "2025-05", Uniform(tree, 75));
  Score(t.admin_key, a, "2025-04", Uniform(tree, 55));
  Score(t.admin_key, b, "2025-05", Uniform(tree, 65));
  Score(t.admin_key, c, "2025-05", Uniform(tree, 20));

  const json trend =
      GetJson("/api/v1/evaluation/suppliers/" + std::to_string(a) + "/trend", t.admin_key);
  ASSERT_EQ(trend["items"].size(), 3U) << trend;
  EXPECT_EQ(trend["items"][0]["period"], "2025-Q1");
  EXPECT_EQ(trend["items"][1]["period"], "2025-04");
  EXPECT_EQ(trend["items"][2]["period"], "2025-05");
  EXPECT_NEAR(trend["items"][2]["total"].get<double>(), 75, 1e-9);
  EXPECT_EQ(trend["items"][2]["band"], "preferred");

  const json all = GetJson("/api/v1/evaluation/ranking?period=2025-05", t.admin_key);
  ASSERT_EQ(all["items"].size(), 3U) << all;
  EXPECT_EQ(all["items"][0]["supplier_id"], a);
  EXPECT_EQ(all["items"][0]["weighted_rank"], 1);
  EXPECT_EQ(all["items"][2]["supplier_id"], c);
  for (const auto& item : all["items"]) {
    EXPECT_TRUE(item["topsis_closeness"].is_number()) << item;
    EXPECT_TRUE(item["topsis_rank"].is_number()) << item;
    EXPECT_FALSE(item["supplier_code"].get<std::string>().empty());
  }
  EXPECT_EQ(all["items"][0]["topsis_rank"], 1);

  Price(t.admin_key, b, sku, "9.90");
  Price(t.admin_key, c, sku, "8.80");
  const json for_sku = GetJson(
      "/api/v1/evaluation/ranking?period=2025-05&sku_id=" + std::to_string(sku), t.admin_key);
  ASSERT_EQ(for_sku["items"].size(), 2U) << for_sku;
  EXPECT_EQ(for_sku["items"][0]["supplier_id"], b);
  EXPECT_EQ(for_sku["items"][1]["band"], "blocked");

  // Bands.
  const json bands = GetJson("/api/v1/evaluation/bands", t.admin_key);
  ASSERT_EQ(bands["bands"].size(), 4U);
  EXPECT_EQ(bands["bands"][3]["consequence"], "block");
  EXPECT_TRUE(IsFieldError(Put("/api/v1/evaluation/bands",
                               {{"bands", {{{"name", "ok"}, {"min_score", 10}}}}}, t.admin_key),
                           400, "INVALID_ARGUMENT", "bands"));
  const json mine = {{"bands",
                      {{{"name", "fine"}, {"min_score", 0}, {"consequence", "none"}},
                       {{"name", "great"}, {"min_score", 80}, {"consequence", "none"}}}}};
  const Response put = Put("/api/v1/evaluation/bands", mine, t.admin_key);
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_EQ(put.Json()["bands"][0]["name"], "great");
  EXPECT_EQ(GetJson("/api/v1/evaluation/bands", t.admin_key), put.Json());
  const json again = GetJson(
      "/api/v1/evaluation/ranking?period=2025-05&sku_id=" + std::to_string(sku), t.admin_key);
  EXPECT_EQ(again["items"][1]["band"], "fine");
}

TEST_P(EvaluationApi, ComputedScoresComeFromOrdersAndReceiptsAndMissingInputsAreReported) {
  const auto t = NewTenant();
  ActiveTree(t.admin_key);
  const auto s = Supplier(t.admin_key, Unique("S"));
  const auto idle = Supplier(t.admin_key, Unique("IDLE"));
  const auto sku = Sku(t.admin_key, Unique("SKU"));
  const auto wh = Warehouse(t.admin_key, Unique("WH"));
  Price(t.admin_key, s, sku, "12.50");
  Score(t.admin_key, idle, "2025-03", {{"management", 80}});

  const json po1 =
      Order(t.admin_key, Unique("PO"), s, wh, {{{"sku_id", sku}, {"quantity", 100}}}, "2025-03-02");
  const json po2 =
      Order(t.admin_key, Unique("PO"), s, wh,
            {{{"sku_id", sku}, {"quantity", 100}, {"unit_price", "13.00"}}}, "2025-03-05");
  for (const json* po : {&po1, &po2}) {
    const std::string path =
        "/api/v1/purchase-orders/" + std::to_string((*po)["id"].get<std::int64_t>());
    ASSERT_EQ(PostAs(path + "/confirm", json::object(), t.admin_key).status, 200);
  }
  const auto receive = [&](const json& po, const json& body) {
    const Response r = PostAs(
        "/api/v1/purchase-orders/" + std::to_string(po["id"].get<std::int64_t>()) + "/receipts",
        body, t.admin_key);
    ASSERT_EQ(r.status, 201) << r;
  };
  receive(po1, {{"received_on", "2025-03-20"},
                {"lines",
                 {{{"line_no", 1},
                   {"received_qty", 100},
                   {"accepted_qty", 95},
                   {"rejected_qty", 5},
                   {"reason", "crushed cartons"}}}}});
  receive(po2,
          {{"received_on", "2025-03-24"}, {"lines", {{{"line_no", 1}, {"received_qty", 50}}}}});

  const Response r = PostAs("/api/v1/evaluation/compute", {{"period", "2025-03"}}, t.admin_key);
  ASSERT_EQ(r.status, 200) << r;
  const json out = r.Json();
  std::map<std::string, double> got;
  for (const auto& c : out["computed"]) {
    EXPECT_EQ(c["supplier_id"], s) << c;
    got[c["indicator"]] = c["score"];
  }
  ASSERT_EQ(got.size(), 5U) << out;
  EXPECT_DOUBLE_EQ(got["on_time_rate"], 100);
  EXPECT_NEAR(got["acceptance_rate"], 100.0 * 145 / 150, 1e-9);
  EXPECT_NEAR(got["fill_rate"], 75, 1e-9);
  EXPECT_NEAR(got["price_variance"], 2, 1e-9);
  EXPECT_NEAR(got["lead_time_variability"], 100 * std::sqrt(0.5) / 18.5, 1e-9);
  ASSERT_EQ(out["missing"].size(), 5U) << out;
  for (const auto& m : out["missing"]) {
    EXPECT_EQ(m["supplier_id"], idle);
    EXPECT_FALSE(m["reason"].get<std::string>().empty());
  }
  const json card =
      GetJson("/api/v1/evaluation/scorecards?period=2025-03&supplier_id=" + std::to_string(idle),
              t.admin_key)["items"][0];
  EXPECT_TRUE(card["total"].is_null()) << "a missing input is never a zero";
  const json mine =
      GetJson("/api/v1/evaluation/scorecards?period=2025-03&supplier_id=" + std::to_string(s),
              t.admin_key)["items"][0];
  for (const auto& child : mine["breakdown"][0]["children"]) {
    EXPECT_EQ(child["source"], "computed") << child;
    EXPECT_EQ(child["evaluator"], "system");
  }
  EXPECT_TRUE(IsFieldError(PostAs("/api/v1/evaluation/compute", json::object(), t.admin_key), 400,
                           "INVALID_ARGUMENT", "period"));
}

TEST_P(EvaluationApi, RiskShowsConcentrationAndSingleSourceSkus) {
  const auto t = NewTenant();
  const json tree = ActiveTree(t.admin_key);
  const auto a = Supplier(t.admin_key, Unique("A"));
  const auto b = Supplier(t.admin_key, Unique("B"));
  const auto blocked = Supplier(t.admin_key, Unique("BAD"));
  const std::string only_code = Unique("ONLY");
  const auto only = Sku(t.admin_key, only_code);
  const auto shared = Sku(t.admin_key, Unique("SHARED"));
  const auto wh = Warehouse(t.admin_key, Unique("WH"));
  Price(t.admin_key, a, only, "5.00");
  Price(t.admin_key, a, shared, "10.00");
  Price(t.admin_key, b, shared, "10.50");
  Score(t.admin_key, blocked, "2025-02", Uniform(tree, 10));
  Price(t.admin_key, blocked, only, "4.00");
  Order(t.admin_key, Unique("PO"), a, wh, {{{"sku_id", shared}, {"quantity", 300}}}, "2025-03-01");
  Order(t.admin_key, Unique("PO"), b, wh, {{{"sku_id", shared}, {"quantity", 100}}}, "2025-03-02");
  const json cancelled = Order(t.admin_key, Unique("PO"), b, wh,
                               {{{"sku_id", shared}, {"quantity", 999}}}, "2025-03-03");
  ASSERT_EQ(PostAs("/api/v1/purchase-orders/" +
                       std::to_string(cancelled["id"].get<std::int64_t>()) + "/cancel",
                   {{"reason", "duplicate"}}, t.admin_key)
                .status,
            200);

  const json risk = GetJson("/api/v1/evaluation/risk?from=2025-03-01&to=2025-03-31", t.admin_key);
  ASSERT_EQ(risk["categories"].size(), 1U) << risk;
  const json& cat = risk["categories"][0];
  EXPECT_EQ(cat["category"], "cosmetics");
  EXPECT_EQ(cat["currency"], "EUR");
  EXPECT_EQ(cat["spend"], "4050.00");
  ASSERT_EQ(cat["suppliers"].size(), 2U);
  EXPECT_EQ(cat["suppliers"][0]["supplier_id"], a);
  EXPECT_EQ(cat["suppliers"][0]["spend"], "3000.00");
  EXPECT_NEAR(cat["suppliers"][0]["share"].get<double>(), 3000.0 / 4050, 1e-12);
  const double sa = 3000.0 / 4050;
  const double sb = 1050.0 / 4050;
  EXPECT_NEAR(cat["hhi"].get<double>(), (sa * sa + sb * sb) * 10000, 1e-6);
  // ONLY has two suppliers with prices, but one is blocked.
  ASSERT_EQ(risk["single_source_skus"].size(), 1U) << risk;
  EXPECT_EQ(risk["single_source_skus"][0]["sku_code"], only_code);
  EXPECT_EQ(risk["single_source_skus"][0]["supplier_id"], a);
  EXPECT_TRUE(IsFieldError(Get("/api/v1/evaluation/risk?from=2025-13-01", t.admin_key), 400,
                           "INVALID_ARGUMENT", "from"));
}

TEST_P(EvaluationApi, RolesDecideWhoMayEvaluate) {
  const auto t = NewTenant();
  ActiveTree(t.admin_key);
  const auto s = Supplier(t.admin_key, Unique("S"));
  const std::string buyer = NewKey("buyer", t.admin_key);
  const std::string reader = NewKey("read_only", t.admin_key);
  const std::string planner = NewKey("planner", t.admin_key);
  const std::string device = NewKey("device", t.admin_key);
  const json score = {{"supplier_id", s}, {"period", "2025-05"}, {"scores", {{"fill_rate", 50}}}};
  EXPECT_EQ(Put("/api/v1/evaluation/scores", score, buyer).status, 200);
  EXPECT_TRUE(IsError(Put("/api/v1/evaluation/scores", score, reader), 403, "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(PostAs("/api/v1/evaluation/trees", json::object(), planner), 403,
                      "PERMISSION_DENIED"));
  EXPECT_EQ(Get("/api/v1/evaluation/scorecards?period=2025-05", reader).status, 200);
  EXPECT_EQ(Get("/api/v1/evaluation/trees", planner).status, 200);
  EXPECT_TRUE(IsError(Get("/api/v1/evaluation/trees", device), 403, "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(Get("/api/v1/evaluation/trees", ""), 401, "UNAUTHENTICATED"));
  // Another tenant sees none of it.
  const auto other = NewTenant();
  EXPECT_EQ(GetJson("/api/v1/evaluation/trees", other.admin_key)["total"], 0);
}

}  // namespace
}  // namespace xb::apitest
