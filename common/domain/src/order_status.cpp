#include "shop/domain/order_status.hpp"

namespace shop::domain {

std::string_view toString(OrderStatus status) {
    switch (status) {
        case OrderStatus::New:
            return "NEW";
        case OrderStatus::Finished:
            return "FINISHED";
        case OrderStatus::Cancelled:
            return "CANCELLED";
        case OrderStatus::Refunded:
            return "REFUNDED";
    }
    return "UNKNOWN";
}

std::optional<OrderStatus> parseOrderStatus(std::string_view text) {
    for (OrderStatus status :
         {OrderStatus::New, OrderStatus::Finished, OrderStatus::Cancelled, OrderStatus::Refunded}) {
        if (text == toString(status)) {
            return status;
        }
    }
    return std::nullopt;
}

bool isSettled(OrderStatus status) {
    return status == OrderStatus::Finished || status == OrderStatus::Cancelled;
}

bool canTransition(OrderStatus from, OrderStatus to) {
    return (from == OrderStatus::New && isSettled(to)) ||
           (from == OrderStatus::Finished && to == OrderStatus::Refunded);
}

std::string_view toString(FailureReason reason) {
    switch (reason) {
        case FailureReason::InsufficientFunds:
            return "INSUFFICIENT_FUNDS";
        case FailureReason::AccountNotFound:
            return "ACCOUNT_NOT_FOUND";
    }
    return "UNKNOWN";
}

std::optional<FailureReason> parseFailureReason(std::string_view text) {
    for (FailureReason reason :
         {FailureReason::InsufficientFunds, FailureReason::AccountNotFound}) {
        if (text == toString(reason)) {
            return reason;
        }
    }
    return std::nullopt;
}

}  // namespace shop::domain
