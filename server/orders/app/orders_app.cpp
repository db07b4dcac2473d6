#include "app/orders_app.hpp"

#include "api/orders_api.hpp"
#include "api/refunds_api.hpp"
#include "shop/events/events.hpp"
#include "workers/payment_result_handler.hpp"
#include "workers/refund_result_handler.hpp"

namespace shop::orders {

service::ServiceSpec ordersService() {
    service::ServiceSpec spec;
    spec.name = "orders";
    spec.defaultAddress = "127.0.0.1:8081";
    spec.addRoutes = [](http::Router& router, pg::Pool& pool) {
        addOrderRoutes(router, pool);
        addRefundRoutes(router, pool);
    };
    spec.consumers.push_back(service::ConsumerSpec{std::string(events::kPaymentResultQueue),
                                                   std::string(events::kPaymentResultKey),
                                                   handlePaymentResult, handlePaymentResults});
    spec.consumers.push_back(service::ConsumerSpec{std::string(events::kRefundResultQueue),
                                                   std::string(events::kRefundResultKey),
                                                   handleRefundResult,
                                                   {}});
    // Status events fan out to whichever gateways are running; with none, nobody needs them.
    spec.optionalRouteKeys.emplace(events::kOrderStatusKey);
    return spec;
}

}  // namespace shop::orders
