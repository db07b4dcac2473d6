#include "app/orders_app.hpp"

#include "api/orders_api.hpp"
#include "shop/events/events.hpp"
#include "workers/payment_result_handler.hpp"

namespace shop::orders {

service::ServiceSpec ordersService() {
    service::ServiceSpec spec;
    spec.name = "orders";
    spec.defaultAddress = "127.0.0.1:8081";
    spec.addRoutes = addOrderRoutes;
    spec.queue = std::string(events::kPaymentResultQueue);
    spec.bindingKey = std::string(events::kPaymentResultKey);
    spec.handle = handlePaymentResult;
    spec.handleBatch = handlePaymentResults;
    // Status events fan out to whichever gateways are running; with none, nobody needs them.
    spec.optionalRouteKeys.emplace(events::kOrderStatusKey);
    return spec;
}

}  // namespace shop::orders
