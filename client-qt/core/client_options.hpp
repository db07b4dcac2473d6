#pragma once

#include <QProcessEnvironment>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace shop::client {

/// Where the gateway URL in effect came from.
enum class GatewaySource { CommandLine, Environment, Settings, Default };

/// What the client was started with: the command line, the environment, the saved settings.
struct ClientOptions {
    QUrl gatewayUrl;
    GatewaySource gatewaySource = GatewaySource::Default;
    QString screenshotPath;     ///< --screenshot FILE: save the window there and quit
    int screenshotDelayMs = 0;  ///< --screenshot-delay MS: how long to run first
    /// --screenshot-history USER_ID: with --screenshot, also open that account's History and save
    /// it beside the main picture (screenshotHistoryPath)
    QString screenshotHistoryUser;
    QString screenshotHistoryPath;  ///< FILE with "-history" before its extension
    bool hasCredentials = false;    ///< --credentials FILE was given and read
    QString signInUser;             ///< SHOP_ADMIN_USER from the credentials file
    QString signInPassword;         ///< SHOP_ADMIN_PASSWORD from the credentials file (memory only)
    bool showHelp = false;
    QString helpText;
    QString error;  ///< a usage error; nothing else is meaningful then
};

/// The QSettings key of the saved gateway URL.
inline constexpr auto kGatewaySettingsKey = "gateway/url";
/// The gateway of the local stack (`./shop up`).
inline constexpr auto kDefaultGatewayUrl = "http://127.0.0.1:8080";

/// Reads the options. The gateway URL is taken, first found, from `--gateway URL`, then
/// SHOP_GATEWAY_URL, then the saved setting, then kDefaultGatewayUrl. `arguments` include the
/// program name first, as QCoreApplication::arguments() gives them.
ClientOptions parseClientOptions(const QStringList& arguments,
                                 const QProcessEnvironment& environment, const QSettings& settings);

/// Reads SHOP_ADMIN_USER=... and SHOP_ADMIN_PASSWORD=... lines (the format of the stack's
/// `.stack/credentials`; values may be quoted, `#` starts a comment line, other lines are
/// skipped, the first of each line wins); false, both outputs empty and `error` set (naming the
/// file and what is wrong) when the file cannot be read, is over 64 KiB, or lacks either value.
bool readCredentialsFile(const QString& path, QString& user, QString& password, QString& error);

/// An http(s) URL with a host, without query or fragment; text without a scheme
/// ("localhost:8080") is taken as http. Empty and `error` set (one sentence saying what is wrong,
/// without repeating the text) otherwise.
QUrl parseGatewayUrl(const QString& text, QString& error);

}  // namespace shop::client
