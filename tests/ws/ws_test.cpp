#include "ws_test.hpp"

#include <cstdlib>
#include <set>

#include "support/stack.hpp"

namespace shop::wstest {

std::unique_ptr<WsClient> WsE2eTest::subscribe(const std::string& target, std::uint16_t port) {
    return subscribeWith(e2e::Stack::instance().operatorToken(), target, port);
}

std::unique_ptr<WsClient> WsE2eTest::subscribeWith(const std::string& token,
                                                   const std::string& target, std::uint16_t port) {
    return std::make_unique<WsClient>(port != 0 ? port : e2e::Stack::instance().gatewayPort(),
                                      target, token);
}

std::function<bool(const domain::Json&)> statusFrame(const std::string& orderId,
                                                     const std::string& status) {
    return [orderId, status](const domain::Json& frame) {
        return text(frame, "type") == "order.status" && text(frame, "order_id") == orderId &&
               text(frame, "status") == status;
    };
}

::testing::AssertionResult isContractFrame(const domain::Json& frame) {
    const std::set<std::string> expected{
        "type",   "order_id",        "user_id",     "status",     "failure_reason", "version",
        "amount", "refunded_amount", "description", "created_at", "updated_at"};
    std::set<std::string> keys;
    for (const auto& [key, value] : frame.members()) {
        keys.insert(key);
    }
    if (keys != expected) {
        return ::testing::AssertionFailure()
               << "unexpected fields in " << domain::toJsonText(frame);
    }
    const domain::Json* reason = frame.find("failure_reason");
    const bool typesOk =
        frame.find("type")->isString() && frame.find("order_id")->isString() &&
        frame.find("user_id")->isString() && frame.find("status")->isString() &&
        (reason->isNull() || reason->isString()) && frame.find("version")->isNumber() &&
        frame.find("amount")->isString() && frame.find("refunded_amount")->isString() &&
        frame.find("description")->isString() && frame.find("created_at")->isString() &&
        frame.find("updated_at")->isString();
    if (!typesOk) {
        return ::testing::AssertionFailure()
               << "wrong field types in " << domain::toJsonText(frame);
    }
    return ::testing::AssertionSuccess();
}

std::optional<double> metricValue(const std::string& page, const std::string& series) {
    std::size_t at = 0;
    while ((at = page.find(series + " ", at)) != std::string::npos) {
        if (at == 0 || page[at - 1] == '\n') {
            const auto start = at + series.size() + 1;
            const auto end = page.find('\n', start);
            return std::strtod(page.substr(start, end - start).c_str(), nullptr);
        }
        at += series.size();
    }
    return std::nullopt;
}

std::string scrape(std::uint16_t port) {
    const e2e::HttpClient client =
        e2e::HttpClient("127.0.0.1", port).withToken(e2e::Stack::instance().operatorToken());
    const auto response = client.get("/metrics");
    e2e::requireStatus(response, 200, "GET /metrics on port " + std::to_string(port));
    return response.body;
}

}  // namespace shop::wstest
