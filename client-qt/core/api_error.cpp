#include "core/api_error.hpp"

#include <QStringList>

namespace shop::client {

bool ApiError::isRetryable() const {
    switch (kind) {
        case Kind::Timeout:
        case Kind::Network:
            return true;
        case Kind::InvalidResponse:
            return httpStatus == 0 || httpStatus >= 500;
        case Kind::Http:
            return httpStatus == 409 || httpStatus == 429 || httpStatus >= 500;
    }
    return false;
}

QString ApiError::describe() const {
    QStringList details;
    if (!code.isEmpty()) {
        details << code;
    }
    if (httpStatus != 0) {
        details << QStringLiteral("HTTP %1").arg(httpStatus);
    }
    if (!requestId.isEmpty()) {
        details << QStringLiteral("request %1").arg(requestId);
    }
    const QString text = message.isEmpty() ? QStringLiteral("Request failed") : message;
    return details.isEmpty() ? text : QStringLiteral("%1 (%2)").arg(text, details.join(u", "));
}

}  // namespace shop::client
