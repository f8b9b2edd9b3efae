#include "media/image_urls.h"

namespace wh::media {
namespace {

constexpr std::string_view kImageKitHosts[] = {"https://ik.imagekit.io/", "http://ik.imagekit.io/"};

std::string_view trimmed(std::string_view endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  return endpoint;
}

bool under_endpoint(std::string_view url, std::string_view endpoint) {
  endpoint = trimmed(endpoint);
  if (endpoint.empty() || url.substr(0, endpoint.size()) != endpoint) return false;
  return url.size() == endpoint.size() || url[endpoint.size()] == '/' || url[endpoint.size()] == '?' ||
         url[endpoint.size()] == '#';
}

// Where the path after the account's endpoint starts: after the configured
// endpoint, or after "ik.imagekit.io/<id>"; npos when neither.
std::size_t endpoint_end(std::string_view url, std::string_view endpoint) {
  if (under_endpoint(url, endpoint)) return trimmed(endpoint).size();
  for (auto host : kImageKitHosts) {
    if (url.substr(0, host.size()) != host) continue;
    auto slash = url.find_first_of("/?#", host.size());
    return slash == std::string_view::npos ? url.size() : slash;
  }
  return std::string_view::npos;
}

std::string transformation(ImageVariant v) {
  auto s = variant_size(v);
  return "w-" + std::to_string(s.width) + ",h-" + std::to_string(s.height) + ",c-at_max,f-auto";
}

}  // namespace

VariantSize variant_size(ImageVariant variant) {
  switch (variant) {
    case ImageVariant::thumbnail:
      return {200, 200};
    case ImageVariant::card:
      return {600, 800};
    case ImageVariant::detail:
      return {1200, 1600};
  }
  return {600, 800};
}

bool is_imagekit_url(std::string_view url, std::string_view url_endpoint) {
  return endpoint_end(url, url_endpoint) != std::string_view::npos;
}

std::string variant_url(std::string_view stored_url, ImageVariant variant, std::string_view url_endpoint) {
  const std::size_t start = endpoint_end(stored_url, url_endpoint);
  if (start == std::string_view::npos) return std::string(stored_url);

  const std::size_t hash = stored_url.find('#');
  const std::string_view fragment = hash == std::string_view::npos ? "" : stored_url.substr(hash);
  const std::string_view before = stored_url.substr(0, hash);
  const std::size_t qmark = before.find('?');
  const std::string_view path = before.substr(0, qmark);
  const std::string_view query = qmark == std::string_view::npos ? "" : before.substr(qmark + 1);
  const std::string tr = transformation(variant);

  // The query's parameters: a signed URL stays as it is; a `tr` is chained.
  std::size_t tr_value_end = std::string_view::npos;
  for (std::size_t p = 0; p <= query.size() && !query.empty();) {
    std::size_t amp = query.find('&', p);
    if (amp == std::string_view::npos) amp = query.size();
    auto param = query.substr(p, amp - p);
    auto key = param.substr(0, param.find('='));
    if (key == "ik-s") return std::string(stored_url);
    if (key == "tr" && param.size() > 3 && tr_value_end == std::string_view::npos) tr_value_end = amp;
    p = amp + 1;
  }

  std::string out;
  out.reserve(stored_url.size() + tr.size() + 5);
  // A path transformation: "/tr:..." right after the endpoint, ended by '/'.
  if (start < path.size() && path.substr(start, 4) == "/tr:") {
    const std::size_t seg_end = path.find('/', start + 4);
    if (seg_end != std::string_view::npos) {
      out.append(stored_url.substr(0, seg_end)).append(":").append(tr).append(stored_url.substr(seg_end));
      return out;
    }
  }
  if (tr_value_end != std::string_view::npos) {
    const std::size_t at = qmark + 1 + tr_value_end;
    out.append(stored_url.substr(0, at)).append(":").append(tr).append(stored_url.substr(at));
    return out;
  }
  out.append(path).append("?");
  if (!query.empty()) out.append(query).append("&");
  out.append("tr=").append(tr).append(fragment);
  return out;
}

VariantUrls variant_urls(std::string_view stored_url, std::string_view url_endpoint) {
  return {variant_url(stored_url, ImageVariant::thumbnail, url_endpoint),
          variant_url(stored_url, ImageVariant::card, url_endpoint),
          variant_url(stored_url, ImageVariant::detail, url_endpoint)};
}

}  // namespace wh::media
