#pragma once

#include <map>
#include <string>
#include <string_view>

#include "shop/http/router.hpp"

namespace shop::gateway {

/// resources/openapi.yaml, compiled into the binary so it cannot go missing or drift from the
/// build that serves it.
std::string_view openApiDocument();

/// GET /openapi.yaml (application/yaml) and GET /docs: Swagger UI over it, served from the
/// files of the `swagger-ui-dist` npm package (no CDN, works offline).
class ApiDocs final {
  public:
    /// Reads the Swagger UI files from `swaggerUiDir` once; when they are missing, /docs answers
    /// 503 saying how to install them, and /openapi.yaml still works.
    explicit ApiDocs(const std::string& swaggerUiDir);

    void addRoutes(http::Router& router) const;
    bool swaggerUiAvailable() const { return !m_assets.empty(); }

  private:
    struct Asset {
        std::string contentType;
        std::string body;
    };
    std::map<std::string, Asset, std::less<>> m_assets;
    std::string m_dir;
};

}  // namespace shop::gateway
