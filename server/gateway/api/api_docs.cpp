#include "api/api_docs.hpp"

#include <fstream>
#include <sstream>

#include "shop/core/errors.hpp"
#include "shop/core/log.hpp"

namespace shop::gateway {
namespace {

using core::ApiError;
using core::ErrorCode;

/// The files of swagger-ui-dist the page needs, and their content types.
constexpr std::pair<std::string_view, std::string_view> kAssets[] = {
    {"swagger-ui.css", "text/css; charset=utf-8"},
    {"swagger-ui-bundle.js", "application/javascript; charset=utf-8"},
    {"favicon-32x32.png", "image/png"},
    {"favicon-16x16.png", "image/png"},
};

constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>shop API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" sizes="32x32" href="/docs/favicon-32x32.png">
  <link rel="icon" type="image/png" sizes="16x16" href="/docs/favicon-16x16.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/openapi.yaml",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  </script>
</body>
</html>
)html";

bool readFile(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    out = buffer.str();
    return static_cast<bool>(in) || in.eof();
}

http::Response fixed(std::string_view contentType, std::string_view body) {
    http::Response response;
    response.contentType = std::string(contentType);
    response.body = std::string(body);
    return response;
}

}  // namespace

ApiDocs::ApiDocs(const std::string& swaggerUiDir) : m_dir(swaggerUiDir) {
    std::map<std::string, Asset, std::less<>> assets;
    for (const auto& [name, contentType] : kAssets) {
        Asset asset{std::string(contentType), {}};
        if (!readFile(swaggerUiDir + "/" + std::string(name), asset.body)) {
            core::logWarn("Swagger UI files not found; /docs is unavailable",
                          {{"dir", swaggerUiDir}, {"missing", name}});
            return;
        }
        assets.emplace(std::string(name), std::move(asset));
    }
    m_assets = std::move(assets);
}

void ApiDocs::addRoutes(http::Router& router) const {
    router.add("GET", "/openapi.yaml", [](const http::Request&) {
        return fixed("application/yaml; charset=utf-8", openApiDocument());
    });
    router.add("GET", "/docs", [this](const http::Request&) {
        if (m_assets.empty()) {
            throw ApiError(ErrorCode::UpstreamUnavailable,
                           "Swagger UI is not installed (SHOP_SWAGGER_UI_DIR=" + m_dir +
                               "); build with npm available, or read /openapi.yaml");
        }
        return fixed("text/html; charset=utf-8", kPage);
    });
    router.add("GET", "/docs/{file}", [this](const http::Request& request) {
        const auto it = m_assets.find(request.param("file"));
        if (it == m_assets.end()) {
            throw ApiError(ErrorCode::NotFound, "no such file");
        }
        http::Response response = fixed(it->second.contentType, it->second.body);
        response.headers.emplace_back("Cache-Control", "public, max-age=3600");
        return response;
    });
}

}  // namespace shop::gateway
