#pragma once

#include <QString>

namespace shop::client {

/// What the operator's window knows when it decides which actions can be used.
struct WorkContext {
    bool signedIn = false;
    bool operatorRole = false;  ///< the session's role is "operator"
    /// False only when the gateway could not be reached at all (not while it is still being
    /// checked, nor when it answers but is not ready: an action then gets a clear answer).
    bool gatewayReachable = true;
    bool accountSelected = false;
    /// The selected order's status; empty when no order is selected.
    QString orderStatus;
};

/// Which of the window's actions can be used now.
struct EnabledActions {
    bool newAccount = false;
    bool topUp = false;
    bool newOrder = false;
    bool apiKeys = false;
    bool history = false;
    bool refund = false;
    bool refunds = false;
    bool refresh = false;
    /// Why the actions that need a session or the gateway are off (for a tooltip or the status
    /// bar); empty when they are not off for such a reason.
    QString reason;
};

/// The one place that decides what the window lets the operator do. Nothing works signed out
/// (every request would get 401). While the gateway cannot be reached, nothing that changes
/// state can be started (it could only fail, or worse, be retried later against a state nobody
/// saw); reading (refresh, history, an order's refunds) stays, since it is how one finds out
/// the gateway is back. Account actions need a selected account, order actions a selected
/// order; creating accounts, API keys and refunds are an operator's (CONTRACT section 2), and
/// only a FINISHED order can be refunded.
EnabledActions enabledActions(const WorkContext& context);

}  // namespace shop::client
