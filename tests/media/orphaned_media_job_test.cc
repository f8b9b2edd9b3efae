// The orphaned_media job (docs/jobs.md) against the fake ImageKit: an old
// unused row is moved to the trash folder and marked trashed by no one; a
// row the catalog still shows (even without used_by) and a recent one are
// kept; a second run changes nothing.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "http/client.h"
#include "jobs/jobs.h"
#include "jobs/scheduler_instance.h"
#include "support/fake_imagekit.h"

namespace wh::test {
namespace {

Config job_config(const std::string& db, const FakeImageKit& fake) {
  Config c = scheduler_config(db);
  c.imagekit_private_key = FakeImageKit::kPrivateKey;
  c.imagekit_url_endpoint = FakeImageKit::kEndpoint;
  c.imagekit_upload_base_url = fake.base_url();
  c.imagekit_api_base_url = fake.base_url();
  c.imagekit_timeout = std::chrono::milliseconds(2000);
  return c;
}

class OrphanedMediaJobTest : public ::testing::Test {
 protected:
  OrphanedMediaJobTest()
      : app_(job_config(db_.name(), fake_)), outbound_(app_.io.get_executor(), http::ClientOptions{}) {
    app_.services.provide(outbound_);
  }
  ~OrphanedMediaJobTest() override { app_.stop(); }

  std::string q(const std::string& statement) { return sql(db_.name(), statement); }
  jobs::JobResult run() { return app_.run_job(jobs::configured(jobs::orphaned_media_job(), app_.services.config)); }
  void add(const std::string& id, const std::string& path, int age_days) {
    q("INSERT INTO media (id, \"fileId\", \"fileName\", \"filePath\", url, type, mime_type, size, uploaded_by, status,"
      " created_at, updated_at) VALUES ('" +
      id + "', 'f_" + id + "', 'x.png', '" + path + "', '" + FakeImageKit::kEndpoint + path +
      "', 'product', 'image/png', 1, (SELECT id FROM users WHERE email = 'admin@wighaven.local'), 'active',"
      " (now() AT TIME ZONE 'UTC') - make_interval(days => " +
      std::to_string(age_days) + "), now())");
    fake_.put("f_" + id, path);
  }

  FakeImageKit fake_;
  ScratchDb db_;
  SchedulerInstance app_;
  http::OutboundClient outbound_;
};

TEST_F(OrphanedMediaJobTest, TrashesOnlyOldUnusedMedia) {
  add("orph_old", "/products/orph-old.png", 10);
  add("orph_shown", "/products/orph-shown.png", 10);
  add("orph_recent", "/products/orph-recent.png", 2);
  const std::string product = q("SELECT id FROM products ORDER BY id LIMIT 1");
  // Shown by a product (as the upload answered it, with ?v=), used_by unset.
  q("UPDATE products SET images = ARRAY['" + std::string(FakeImageKit::kEndpoint) +
    "/products/orph-shown.png?v=1'] WHERE id = '" + product + "'");

  auto r = run();
  EXPECT_GE(r.rows, 1);
  EXPECT_EQ(q("SELECT concat_ws('|', status, \"filePath\", trashed_by IS NULL, trashed_at IS NOT NULL) FROM media"
              " WHERE id = 'orph_old'"),
            "trashed|/trashed/orph-old.png|t|t");
  EXPECT_EQ(fake_.path_of("f_orph_old"), "/trashed/orph-old.png");
  EXPECT_EQ(q("SELECT status FROM media WHERE id = 'orph_shown'"), "active");
  EXPECT_EQ(fake_.path_of("f_orph_shown"), "/products/orph-shown.png");
  EXPECT_EQ(q("SELECT status FROM media WHERE id = 'orph_recent'"), "active");
  EXPECT_EQ(fake_.path_of("f_orph_recent"), "/products/orph-recent.png");

  EXPECT_EQ(run().rows, 0) << "nothing left to trash";
}

TEST_F(OrphanedMediaJobTest, ImageKitDownFailsTheRunAndChangesNothing) {
  add("orph_down", "/products/orph-down.png", 30);
  fake_.fail_next({FakeImageKit::server_error(), FakeImageKit::server_error(), FakeImageKit::server_error()});
  EXPECT_THROW(run(), std::runtime_error);
  EXPECT_EQ(q("SELECT status FROM media WHERE id = 'orph_down'"), "active");
}

}  // namespace
}  // namespace wh::test
