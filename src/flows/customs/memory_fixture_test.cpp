// The database of the customs flow tests: memory, or a fresh SQLite file when
// XB_CUSTOMS_TEST_DB=sqlite (the SQL stores; the files are removed when the test program ends).
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "adapters/memory/memory_database.h"
#include "adapters/storage/open_database.h"
#include "flows/customs/customs_test_support.h"

namespace xb::customs_flow {

namespace {

struct ScratchFiles {
  std::vector<std::filesystem::path> paths;
  ~ScratchFiles() {
    std::error_code ec;
    for (const auto& p : paths) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(p.string() + suffix, ec);
      }
    }
  }
};

ScratchFiles& Scratch() {
  static ScratchFiles files;
  return files;
}

}  // namespace

std::unique_ptr<store::Database> NewTestDatabase() {
  const char* kind = std::getenv("XB_CUSTOMS_TEST_DB");
  if (kind != nullptr && std::string(kind) == "sqlite") {
    static std::atomic<int> counter{0};
    const auto path =
        std::filesystem::temp_directory_path() /
        ("xb_customs_flow_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + ".db");
    std::filesystem::remove(path);
    Scratch().paths.push_back(path);
    auto db = storage::OpenDatabase("sqlite:" + path.string());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (db.ok()) return std::move(db).value();
  }
  return memory::NewMemoryDatabase();
}

bool SeededRules() {
  const char* kind = std::getenv("XB_CUSTOMS_TEST_DB");
  return kind != nullptr && std::string(kind) == "sqlite";
}

}  // namespace xb::customs_flow
