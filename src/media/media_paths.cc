#include "media/media_paths.h"

namespace wh::media {

const MediaKind* find_kind(std::string_view type) {
  for (const auto& k : kMediaKinds) {
    if (k.type == type) return &k;
  }
  return nullptr;
}

std::string_view folder_for_type(std::string_view type) {
  const auto* k = find_kind(type);
  return k == nullptr ? std::string_view("/") : k->folder;
}

std::string_view file_name_of(std::string_view file_path) {
  auto slash = file_path.rfind('/');
  return slash == std::string_view::npos ? file_path : file_path.substr(slash + 1);
}

std::string_view file_path_folder(std::string_view file_path) {
  auto slash = file_path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return file_path.substr(0, slash);
}

std::string path_in_folder(std::string_view folder, std::string_view file_path) {
  std::string out(folder);
  if (out.empty() || out.back() != '/') out += '/';
  out += file_name_of(file_path);
  return out;
}

std::string home_folder(std::string_view stored_url, std::string_view type, std::string_view url_endpoint) {
  if (!url_endpoint.empty() && stored_url.size() > url_endpoint.size() &&
      stored_url.substr(0, url_endpoint.size()) == url_endpoint && stored_url[url_endpoint.size()] == '/') {
    std::string_view path = stored_url.substr(url_endpoint.size());
    path = path.substr(0, path.find_first_of("?#"));
    auto slash = path.rfind('/');
    std::string_view folder = path.substr(0, slash);
    // A transformation segment ("/tr:w-200/...") is not a folder.
    if (folder.find("/tr:") == std::string_view::npos && folder.find(kTrashFolder) != 0) {
      return folder.empty() ? std::string("/") : std::string(folder);
    }
  }
  return std::string(folder_for_type(type));
}

}  // namespace wh::media
