// The tag vocabulary shared by the in-process caches, the database triggers
// (migrations/0008) and, later, Cloudflare's Cache-Tag header: one word
// invalidates every layer. A cached response carries every tag whose change
// could alter its bytes.
//
//   catalog          every catalog and review-list response (sent when a
//                    change is too large to list its rows: one word flushes
//                    the catalog)
//   products         every product list, search and category count
//   product:<id>     one product's detail, its variants and single variants
//   categories       category lists and details, and product lists (they
//                    embed category names)
//   category:<id>    product details embedding that category
//   banners          the active banners
//   settings         the public settings
//   currency         the currency rates
//   reviews:<id>     one product's public review list (approved reviews,
//                    stats), both of its routes, every page (migration 0015:
//                    any change of an approved review, or of one that was)
//
// The admin dashboard's aggregates (the `analytics` instance, migration
// 0019). Private data: these tags are notified to the instances only, never
// written to the purge outbox, so they never reach Cloudflare.
//   orders              figures of orders and their items: an order
//                       inserted or deleted, or its status, payment
//                       status, total, creation time, customer or number
//                       changed; any change of order_items
//   stock               active variants' stock figures: a variant inserted
//                       or deleted, or its stock, is_active, sku or product
//                       changed (not reserved_stock)
//   customers           customer counts and names: a user inserted or
//                       deleted, or its role, name or creation time changed
//   reviews-moderation  the count of reviews awaiting approval: a review
//                       inserted or deleted, or its is_approved changed
#pragma once
#include <string>
#include <string_view>

namespace wh::cache::tags {

inline constexpr std::string_view kCatalog = "catalog";
inline constexpr std::string_view kProducts = "products";
inline constexpr std::string_view kCategories = "categories";
inline constexpr std::string_view kBanners = "banners";
inline constexpr std::string_view kSettings = "settings";
inline constexpr std::string_view kCurrency = "currency";
inline constexpr std::string_view kOrders = "orders";
inline constexpr std::string_view kStock = "stock";
inline constexpr std::string_view kCustomers = "customers";
inline constexpr std::string_view kReviewsModeration = "reviews-moderation";

inline std::string product(std::string_view id) { return "product:" + std::string(id); }
inline std::string category(std::string_view id) { return "category:" + std::string(id); }
inline std::string reviews(std::string_view product_id) { return "reviews:" + std::string(product_id); }

}  // namespace wh::cache::tags
