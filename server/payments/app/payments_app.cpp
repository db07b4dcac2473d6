#include "app/payments_app.hpp"

#include "api/accounts_api.hpp"
#include "api/api_keys_api.hpp"
#include "api/ledger_api.hpp"
#include "shop/events/events.hpp"
#include "workers/payment_requested_handler.hpp"
#include "workers/refund_requested_handler.hpp"

namespace shop::payments {

service::ServiceSpec paymentsService() {
    service::ServiceSpec spec;
    spec.name = "payments";
    spec.defaultAddress = "127.0.0.1:8082";
    spec.addRoutes = [](http::Router& router, pg::Pool& pool) {
        addAccountRoutes(router, pool);
        addApiKeyRoutes(router, pool);
        addLedgerRoutes(router, pool);
    };
    spec.consumers.push_back(service::ConsumerSpec{
        std::string(events::kPaymentRequestedQueue), std::string(events::kPaymentRequestedKey),
        handlePaymentRequested, handlePaymentsRequested});
    spec.consumers.push_back(service::ConsumerSpec{std::string(events::kRefundRequestedQueue),
                                                   std::string(events::kRefundRequestedKey),
                                                   handleRefundRequested,
                                                   {}});
    return spec;
}

}  // namespace shop::payments
