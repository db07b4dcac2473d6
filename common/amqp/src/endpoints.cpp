#include "shop/amqp/endpoints.hpp"

#include <stdexcept>
#include <string>

namespace shop::amqp {

Endpoints::Endpoints(std::string_view urls) : m_urls(parseUrls(urls)) {}

std::unique_ptr<Connection> Endpoints::connect(const ConnectionOptions& options) {
    std::string failures;
    const std::size_t start = m_next;
    for (std::size_t tried = 0; tried < m_urls.size(); ++tried) {
        const std::size_t index = (start + tried) % m_urls.size();
        try {
            m_next = index;  // where the next connect() starts when this one stays up
            return std::make_unique<Connection>(m_urls[index], options);
        } catch (const ConnectionError& error) {
            failures += (failures.empty() ? "" : "; ") + std::string(error.what());
        }
    }
    throw ConnectionError(m_urls.size() == 1 ? failures : "no broker node accepted: " + failures);
}

std::string readUrls(core::EnvReader& env, std::string_view name) {
    std::string urls = env.required(name);
    if (!urls.empty()) {
        try {
            parseUrls(urls);
        } catch (const std::invalid_argument& error) {
            env.addProblem(std::string(name) + ": " + error.what());
        }
    }
    return urls;
}

std::vector<core::NodeState> probeNodes(const std::vector<Url>& urls,
                                        std::chrono::milliseconds timeout) {
    std::vector<core::NodeState> nodes;
    nodes.reserve(urls.size());
    for (const Url& url : urls) {
        nodes.push_back({url.host + ":" + std::to_string(url.port),
                         core::tcpReachable(url.host, url.port, timeout)});
    }
    return nodes;
}

}  // namespace shop::amqp
