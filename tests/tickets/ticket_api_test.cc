// Support tickets (reference §1.18) against the real server: the old shapes,
// the notifications and queued e-mails each write makes in its statement,
// each customer's own tickets only, the admin routes, the shared 5-an-hour
// creation limit.
#include <string>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using TicketApi = CommerceApi;

json::object guest_ticket() {
  return {{"name", "Esi Guest"},
          {"email", "Esi.Guest@Example.com"},
          {"subject", "Where is my order?"},
          {"message", "I ordered a wig last week and have heard nothing."}};
}

json::object customer_ticket(const std::string& subject = "Wrong colour delivered") {
  return {{"subject", subject}, {"message", "The wig I received is not the colour I ordered."}, {"priority", "high"}};
}

// Creates a ticket through the API and returns its id.
std::string create(const std::string& token, const std::string& subject = "Wrong colour delivered") {
  auto r = CommerceApi::call("POST", "/api/support", customer_ticket(subject), token);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? str(r.json().at("data").at("id")) : "";
}
std::string create_guest() {
  auto r = CommerceApi::call("POST", "/api/support/guest", guest_ticket());
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? str(r.json().at("data").at("id")) : "";
}

long long active_admins() {
  return CommerceApi::qn("SELECT count(*) FROM users WHERE role IN ('admin', 'super_admin') AND is_active");
}
long long notifications(const std::string& type, const std::string& link) {
  return CommerceApi::qn("SELECT count(*) FROM notifications WHERE type = " + CommerceApi::quote(type) +
                         " AND link = " + CommerceApi::quote(link));
}
// "<template>|<variable>" of the only e-mail queued to `to` with `type`.
std::string email_var(const std::string& to, const std::string& type, const std::string& variable) {
  return CommerceApi::q("SELECT (template_data->>'template') || '|' || (template_data->'variables'->>" +
                        CommerceApi::quote(variable) + ") FROM email_logs WHERE status = 'queued' AND to_email = " +
                        CommerceApi::quote(to) + " AND type = " + CommerceApi::quote(type));
}
long long emails(const std::string& to) {
  return CommerceApi::qn("SELECT count(*) FROM email_logs WHERE to_email = " + CommerceApi::quote(to));
}

TEST_F(TicketApi, GuestTicketStoresTheMessageQueuesTheConfirmationAndTellsActiveAdmins) {
  q("UPDATE users SET is_active = false WHERE email = 'super@wighaven.local'");
  ASSERT_EQ(active_admins(), 1);
  auto r = call("POST", "/api/support/guest", guest_ticket());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.statements(), 1) << "ticket, message, notifications and e-mail in one statement";
  EXPECT_EQ(r.json().at("message"), "Your message has been submitted. We will respond to your email within 24 hours.");
  auto t = r.json().at("data").as_object();
  std::string id = str(t.at("id"));
  EXPECT_TRUE(t.at("userId").is_null());
  EXPECT_EQ(t.at("guestName"), "Esi Guest");
  EXPECT_EQ(t.at("guestEmail"), "esi.guest@example.com");
  EXPECT_EQ(t.at("subject"), "Where is my order?") << "no [GUEST] prefix";
  EXPECT_EQ(t.at("status"), "open");
  EXPECT_EQ(t.at("priority"), "medium");
  const auto number = std::to_string(t.at("ticketNumber").as_int64());
  EXPECT_EQ(q("SELECT ticket_number FROM support_tickets WHERE id = " + quote(id) + " AND user_id IS NULL"), number);
  EXPECT_EQ(q("SELECT message FROM support_messages WHERE ticket_id = " + quote(id) + " AND sender_id IS NULL"),
            "I ordered a wig last week and have heard nothing.");
  EXPECT_EQ(email_var("esi.guest@example.com", "support_ticket_created", "ticket_id"),
            "supportTicketCreated|" + number);
  EXPECT_EQ(notifications("admin_support_reply", "/admin/support?ticket=" + id), 1) << "the active admin only";
  EXPECT_EQ(q("SELECT title || ' / ' || message FROM notifications WHERE link = '/admin/support?ticket=" + id + "'"),
            "🆕 New Support Ticket #" + number + " / Esi Guest created ticket: \"Where is my order?\"");
}

TEST_F(TicketApi, CustomerTicketHasTheOldShapeAndIsMailedToTheCustomer) {
  EXPECT_EQ(call("POST", "/api/support", customer_ticket()).status, 401);
  auto r = call("POST", "/api/support", customer_ticket(), customer_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("message"), "Support ticket created successfully");
  auto t = r.json().at("data").as_object();
  std::string id = str(t.at("id"));
  for (const char* k : {"id", "ticketNumber", "userId", "subject", "status", "priority", "guestName", "guestEmail",
                        "createdAt", "updatedAt", "user", "messages"}) {
    EXPECT_TRUE(t.contains(k)) << k;
  }
  EXPECT_EQ(str(t.at("userId")), user_id(customer_email_));
  EXPECT_EQ(t.at("priority"), "high");
  EXPECT_EQ(str(t.at("user").at("email")), customer_email_);
  auto first = t.at("messages").as_array().at(0).as_object();
  EXPECT_EQ(first.at("message"), "The wig I received is not the colour I ordered.");
  EXPECT_EQ(first.at("isAdmin"), false);
  EXPECT_EQ(str(first.at("senderId")), user_id(customer_email_));
  EXPECT_EQ(email_var(customer_email_, "support_ticket_created", "ticket_link"),
            "supportTicketCreated|" + server_->config.frontend_url + "/account/support/" + id);
  EXPECT_EQ(email_var(customer_email_, "support_ticket_created", "message"),
            "supportTicketCreated|The wig I received is not the colour I ordered.");
  EXPECT_EQ(notifications("admin_support_reply", "/admin/support?ticket=" + id), active_admins());
}

TEST_F(TicketApi, BadInputNamesEveryBadField) {
  auto empty = call("POST", "/api/support/guest", json::object{});
  EXPECT_EQ(empty.status, 400);
  auto doc = empty.json();
  for (const char* f : {"name", "email", "subject", "message"}) {
    bool named = false;
    for (const auto& e : doc.at("error").at("fields").as_array()) named |= e.at("field") == f;
    EXPECT_TRUE(named) << f << ": " << empty.body;
  }
  auto bad = call(
      "POST", "/api/support/guest",
      json::object{
          {"name", "E"}, {"email", "not-an-address"}, {"subject", "Hi"}, {"message", "Help"}, {"priority", "urgent"}});
  EXPECT_TRUE(auth::has_field_error(bad, "name", "\"name\" length must be at least 2 characters long")) << bad.body;
  EXPECT_TRUE(auth::has_field_error(bad, "email", "Please provide a valid email address")) << bad.body;
  EXPECT_TRUE(auth::has_field_error(bad, "subject", "\"subject\" length must be at least 3 characters long"));
  EXPECT_TRUE(auth::has_field_error(bad, "message", "\"message\" length must be at least 5 characters long"));
  EXPECT_TRUE(auth::has_field_error(bad, "priority", "\"priority\" must be one of [low, medium, high]"));

  auto customer = call("POST", "/api/support",
                       json::object{{"subject", "    "}, {"message", "Too short"}, {"priority", nullptr}}, customer_);
  EXPECT_EQ(customer.status, 400);
  EXPECT_TRUE(auth::has_field_error(customer, "subject", "\"subject\" is not allowed to be empty")) << customer.body;
  EXPECT_TRUE(auth::has_field_error(customer, "message", "\"message\" length must be at least 10 characters long"));
  auto long_subject = customer_ticket(std::string(256, 'x'));
  EXPECT_TRUE(auth::has_field_error(call("POST", "/api/support", long_subject, customer_), "subject",
                                    "\"subject\" length must be less than or equal to 255 characters long"));
  EXPECT_EQ(call("POST", "/api/support", json::object{{"subject", 42}, {"message", "x"}}, customer_).status, 400);
  EXPECT_EQ(raw("POST", "/api/support", "{not json", customer_).status, 400);

  std::string id = create(customer_);
  auto reply = [&](const std::string& message) {
    return call("POST", "/api/support/" + id + "/reply", json::object{{"message", message}}, customer_);
  };
  EXPECT_TRUE(auth::has_field_error(reply(""), "message", "\"message\" is not allowed to be empty"));
  EXPECT_TRUE(auth::has_field_error(reply(std::string(5001, 'x')), "message",
                                    "\"message\" length must be less than or equal to 5000 characters long"));
  EXPECT_EQ(reply(std::string(5000, 'x')).status, 200);
  EXPECT_EQ(qn("SELECT count(*) FROM support_tickets"), 1) << "refused input stores nothing";
}

TEST_F(TicketApi, CustomersSeeOnlyTheirOwnTickets) {
  std::string id = create(customer_);
  auto mine = call("GET", "/api/support", nullptr, customer_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.header("cache-control"), "private, no-store");
  auto list = mine.json().as_object();
  ASSERT_EQ(list.at("data").as_array().size(), 1U);
  EXPECT_EQ(str(list.at("data").at(0).at("id")), id);
  EXPECT_EQ(list.at("data").at(0).at("_count").at("messages").as_int64(), 1);
  EXPECT_EQ(list.at("pagination"), json::parse(R"({"page":1,"limit":20,"total":1,"pages":1})"));

  auto own = call("GET", "/api/support/" + id, nullptr, customer_);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json().at("data").at("messages").as_array().size(), 1U);
  EXPECT_EQ(call("GET", "/api/support/" + id, nullptr, admin_).status, 200) << "admins read any ticket";

  auto theirs = call("GET", "/api/support/" + id, nullptr, other_);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.body, call("GET", "/api/support/cnosuchticket00000000000", nullptr, other_).body)
      << "another's ticket looks like an unknown one";
  EXPECT_EQ(call("POST", "/api/support/" + id + "/reply", json::object{{"message", "Mine now"}}, other_).status, 404);
  EXPECT_EQ(call("POST", "/api/support/" + id + "/reply", json::object{{"message", "Me too"}}, admin_).status, 404)
      << "admins answer through the admin route";
  EXPECT_EQ(call("GET", "/api/support/not%20an%20id", nullptr, customer_).status, 404);
  EXPECT_EQ(call("GET", "/api/support", nullptr, other_).json().at("data").as_array().size(), 0U);
  EXPECT_EQ(call("GET", "/api/support/" + id).status, 401);
  EXPECT_EQ(call("GET", "/api/support").status, 401);
  EXPECT_EQ(call("GET", "/api/support?limit=101", nullptr, customer_).status, 400);
  EXPECT_EQ(qn("SELECT count(*) FROM support_messages"), 1);
}

TEST_F(TicketApi, ReplyReopensAClosedTicketAndTellsTheAdmins) {
  std::string id = create(customer_);
  q("UPDATE support_tickets SET status = 'closed', updated_at = updated_at - interval '1 day' WHERE id = " + quote(id));
  auto r = call("POST", "/api/support/" + id + "/reply", json::object{{"message", "  Still broken.  "}}, customer_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("message"), "Reply sent successfully");
  auto m = r.json().at("data").as_object();
  EXPECT_EQ(m.at("message"), "Still broken.");
  EXPECT_EQ(m.at("isAdmin"), false);
  EXPECT_EQ(str(m.at("ticketId")), id);
  EXPECT_EQ(q("SELECT status || (updated_at >= created_at) FROM support_tickets WHERE id = " + quote(id)), "opentrue");
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE type = 'admin_support_reply' AND title LIKE '💬%'"
               " AND link = '/admin/support?ticket=" +
               id + "'"),
            active_admins());
  auto thread = call("GET", "/api/support/" + id, nullptr, customer_).json().at("data").at("messages").as_array();
  ASSERT_EQ(thread.size(), 2U);
  EXPECT_EQ(thread[1].at("message"), "Still broken.") << "oldest first";
}

TEST_F(TicketApi, AdminListFiltersPagesAndShowsWhoAsked) {
  q("DELETE FROM support_tickets");
  const std::string uid = user_id(customer_email_);
  q("INSERT INTO support_tickets (id, user_id, subject, status, priority, guest_name, guest_email, created_at,"
    " updated_at) VALUES"
    " ('cticketa0000000000000000', " +
    quote(uid) +
    ", 'Open and urgent', 'open', 'high', NULL, NULL, now(), now() - interval '3 hours'),"
    " ('cticketb0000000000000000', " +
    quote(uid) +
    ", 'Waiting', 'pending', 'low', NULL, NULL, now(), now() - interval '1 hour'),"
    " ('cticketc0000000000000000', NULL, 'A guest asks', 'open', 'medium', 'Kojo', 'kojo@example.com', now(),"
    " now() - interval '2 hours')");
  q("INSERT INTO support_messages (id, ticket_id, message) VALUES ('cmsga', 'cticketa0000000000000000', 'a'),"
    " ('cmsgb', 'cticketa0000000000000000', 'b')");
  auto all = call("GET", "/api/support/admin/all", nullptr, admin_);
  ASSERT_EQ(all.status, 200) << all.body;
  auto rows = all.json().at("data").as_array();
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].at("subject"), "Waiting") << "most recently active first";
  EXPECT_EQ(rows[1].at("guestName"), "Kojo");
  EXPECT_EQ(rows[1].at("guestEmail"), "kojo@example.com");
  EXPECT_TRUE(rows[1].at("user").is_null());
  EXPECT_EQ(str(rows[2].at("user").at("email")), customer_email_);
  EXPECT_EQ(rows[2].at("_count").at("messages").as_int64(), 2);

  auto open_high = call("GET", "/api/support/admin/all?status=open&priority=high", nullptr, admin_).json();
  ASSERT_EQ(open_high.at("data").as_array().size(), 1U);
  EXPECT_EQ(open_high.at("data").at(0).at("subject"), "Open and urgent");
  auto page2 = call("GET", "/api/support/admin/all?page=2&limit=2", nullptr, admin_).json();
  EXPECT_EQ(page2.at("pagination"), json::parse(R"({"page":2,"limit":2,"total":3,"pages":2})"));
  EXPECT_EQ(page2.at("data").at(0).at("subject"), "Open and urgent");
  EXPECT_EQ(call("GET", "/api/support/admin/all?status=solved", nullptr, admin_).status, 400);
  EXPECT_EQ(call("GET", "/api/support/admin/all?limit=0", nullptr, admin_).status, 400);
}

TEST_F(TicketApi, ClosingAnnouncesTheResolutionOnce) {
  std::string id = create(customer_);
  std::string guest = create_guest();
  auto set = [&](const std::string& ticket, const json::value& body) {
    return call("PUT", "/api/support/admin/" + ticket + "/status", body, admin_);
  };
  auto pending = set(id, json::object{{"status", "pending"}});
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(pending.json().at("message"), "Ticket status updated to pending");
  EXPECT_EQ(pending.json().at("data").at("status"), "pending");
  EXPECT_EQ(notifications("support_resolved", "/account/support/" + id), 0);

  EXPECT_EQ(set(id, json::object{{"status", "closed"}}).status, 200);
  EXPECT_EQ(set(id, json::object{{"status", "closed"}}).status, 200) << "the same status again is no change";
  EXPECT_EQ(notifications("support_resolved", "/account/support/" + id), 1);
  EXPECT_EQ(qn("SELECT count(*) FROM email_logs WHERE type = 'ticket_resolved'"), 1);
  EXPECT_EQ(email_var(customer_email_, "ticket_resolved", "ticket_link"),
            "ticketResolved|" + server_->config.frontend_url + "/account/support/" + id);
  EXPECT_EQ(set(guest, json::object{{"status", "closed"}}).status, 200);
  EXPECT_EQ(email_var("esi.guest@example.com", "guest_ticket_resolved", "ticket_subject"),
            "guestTicketResolved|Where is my order?");

  auto bad = set(id, json::object{{"status", "resolved"}});
  EXPECT_TRUE(auth::has_field_error(bad, "status", "\"status\" must be one of [open, pending, closed]")) << bad.body;
  EXPECT_TRUE(auth::has_field_error(set(id, json::object{}), "status", "\"status\" is required"));
  EXPECT_EQ(set("cnosuchticket00000000000", json::object{{"status", "open"}}).status, 404);
  EXPECT_EQ(q("SELECT status FROM support_tickets WHERE id = " + quote(id)), "closed");
}

TEST_F(TicketApi, AdminReplyNotifiesAUserAndMailsAGuest) {
  std::string id = create(customer_);
  std::string guest = create_guest();
  auto to_user =
      call("POST", "/api/support/admin/" + id + "/reply", json::object{{"message", "We will swap it."}}, admin_);
  ASSERT_EQ(to_user.status, 200) << to_user.body;
  EXPECT_EQ(to_user.json().at("message"), "Admin reply sent successfully");
  auto m = to_user.json().at("data").as_object();
  EXPECT_EQ(m.at("isAdmin"), true);
  EXPECT_EQ(m.at("sender").at("role"), "admin");
  EXPECT_EQ(notifications("support_reply", "/account/support/" + id), 1);
  EXPECT_EQ(q("SELECT user_id FROM notifications WHERE type = 'support_reply'"), user_id(customer_email_));
  EXPECT_EQ(emails(customer_email_), 1) << "only the creation e-mail: a registered user is told in the app";
  EXPECT_EQ(q("SELECT status FROM support_tickets WHERE id = " + quote(id)), "open") << "status unchanged";

  auto to_guest =
      call("POST", "/api/support/admin/" + guest + "/reply", json::object{{"message", "It ships tomorrow."}}, admin_);
  ASSERT_EQ(to_guest.status, 200) << to_guest.body;
  EXPECT_EQ(email_var("esi.guest@example.com", "guest_ticket_reply", "reply_message"),
            "guestTicketReply|It ships tomorrow.");
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE type = 'support_reply'"), 1);
  EXPECT_EQ(
      call("POST", "/api/support/admin/cnosuchticket00000000000/reply", json::object{{"message", "x"}}, admin_).status,
      404);
  EXPECT_EQ(call("POST", "/api/support/admin/" + id + "/reply", json::object{{"message", ""}}, admin_).status, 400);
}

TEST_F(TicketApi, AdminRoutesRefuseOthers) {
  std::string id = create(customer_);
  for (const std::string& token : {std::string(), customer_}) {
    const int expected = token.empty() ? 401 : 403;
    EXPECT_EQ(call("GET", "/api/support/admin/all", nullptr, token).status, expected);
    EXPECT_EQ(call("PUT", "/api/support/admin/" + id + "/status", json::object{{"status", "closed"}}, token).status,
              expected);
    EXPECT_EQ(call("POST", "/api/support/admin/" + id + "/reply", json::object{{"message", "Hi"}}, token).status,
              expected);
  }
  EXPECT_EQ(q("SELECT status FROM support_tickets WHERE id = " + quote(id)), "open");
  EXPECT_EQ(qn("SELECT count(*) FROM support_messages WHERE is_admin"), 0);
}

TEST_F(TicketApi, CreatingIsLimitedToFiveAnHourPerClientAcrossBothRoutes) {
  EXPECT_EQ(call("POST", "/api/support/guest", json::object{}).status, 400) << "refused input is not counted";
  for (int i = 0; i < 3; ++i) create_guest();
  create(customer_);
  create(other_);
  auto guest = call("POST", "/api/support/guest", guest_ticket());
  EXPECT_EQ(guest.status, 429) << guest.body;
  EXPECT_EQ(auth::error_message(guest), "Too many tickets created. Please try again later.");
  EXPECT_FALSE(guest.header("retry-after").empty());
  EXPECT_EQ(call("POST", "/api/support", customer_ticket(), customer_).status, 429);
  EXPECT_EQ(qn("SELECT count(*) FROM support_tickets"), 5);
  EXPECT_EQ(call("GET", "/api/support", nullptr, customer_).status, 200) << "reads are not limited";
}

}  // namespace
}  // namespace wh::test
