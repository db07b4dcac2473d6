#include "core/action_policy.hpp"

#include <QCoreApplication>

#include "core/api_types.hpp"

namespace shop::client {

EnabledActions enabledActions(const WorkContext& context) {
    EnabledActions actions;
    if (!context.signedIn) {
        actions.reason = QCoreApplication::translate("ActionPolicy", "Sign in first.");
        return actions;
    }
    const bool orderSelected = !context.orderStatus.isEmpty();
    actions.refresh = true;
    actions.history = context.accountSelected;
    actions.refunds = orderSelected;
    if (!context.gatewayReachable) {
        actions.reason = QCoreApplication::translate(
            "ActionPolicy", "The gateway cannot be reached: nothing can be changed now.");
        return actions;
    }
    actions.newAccount = context.operatorRole;
    actions.topUp = context.accountSelected;
    actions.newOrder = context.accountSelected;
    actions.apiKeys = context.operatorRole && context.accountSelected;
    actions.refund =
        context.operatorRole && context.orderStatus == QLatin1StringView(status::kFinished);
    return actions;
}

}  // namespace shop::client
