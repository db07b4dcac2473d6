#pragma once

#include <QString>
#include <optional>

namespace shop::client {

/// The verdict on one input field: `error` is empty when the input is accepted, and `value`
/// then holds what to send (money normalized to two decimals, ids in lowercase).
struct FieldCheck {
    QString value;
    QString error;

    bool ok() const { return error.isEmpty(); }
};

/// An amount typed by a person, checked by the same parser the services use (at most two
/// decimals, no sign, no exponent, no whitespace inside, at most 1,000,000,000.00) once the
/// whitespace around it is trimmed; with `positive`, zero is refused as the API refuses it.
/// `field` names the input in the message.
FieldCheck checkAmount(const QString& text, bool positive, const QString& field = "amount");

/// An order description, trimmed of the whitespace around it: 1..500 characters (Unicode code
/// points), no control characters. A blank one is refused with "a description is required";
/// `value` is the trimmed text, the one to send.
FieldCheck checkDescription(const QString& text);

/// A refund's reason, trimmed of the whitespace around it: 0..200 characters (Unicode code
/// points), no control characters; empty or blank is accepted (no reason). `value` is the
/// trimmed text.
FieldCheck checkRefundReason(const QString& text);

/// Money text as the API sends it ("199.99", at most 1,000,000,000.00) in exact minor units;
/// std::nullopt when it is not such a text.
std::optional<qint64> moneyMinor(const QString& text);
/// Minor units as money text with two decimals: 19999 -> "199.99", -150 -> "-1.50".
QString moneyText(qint64 minor);

/// A user id: a UUID (any case, whitespace around it trimmed); empty or blank is accepted when
/// `optional`.
FieldCheck checkUserId(const QString& text, bool optional);

}  // namespace shop::client
