#include "core/client_options.hpp"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace shop::client {

QUrl parseGatewayUrl(const QString& text, QString& error) {
    const auto fail = [&error](const QString& reason) {
        error = reason;
        return QUrl();
    };
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        return fail(
            QCoreApplication::translate("ClientOptions", "Enter the gateway's URL, such as %1.")
                .arg(QLatin1StringView(kDefaultGatewayUrl)));
    }
    // "localhost:8080" means http://localhost:8080 (QUrl alone would read "localhost" as the
    // scheme and "8080" as the path).
    const QString withScheme =
        trimmed.contains(QLatin1StringView("://")) ? trimmed : QStringLiteral("http://") + trimmed;
    const QUrl url(withScheme, QUrl::StrictMode);
    if (!url.isValid()) {
        return fail(QCoreApplication::translate(
                        "ClientOptions", "This is not a valid URL; a gateway URL looks like %1.")
                        .arg(QLatin1StringView(kDefaultGatewayUrl)));
    }
    if (url.scheme() != QLatin1StringView("http") && url.scheme() != QLatin1StringView("https")) {
        return fail(QCoreApplication::translate(
                        "ClientOptions", "The gateway is reached over http:// or https://, not %1.")
                        .arg(url.scheme() + QStringLiteral("://")));
    }
    if (url.host().isEmpty()) {
        return fail(
            QCoreApplication::translate("ClientOptions", "The URL names no host, as %1 does.")
                .arg(QLatin1StringView(kDefaultGatewayUrl)));
    }
    if (url.hasQuery() || url.hasFragment()) {
        return fail(QCoreApplication::translate("ClientOptions",
                                                "A gateway URL has no ?query or #fragment part."));
    }
    error.clear();
    return url;
}

bool readCredentialsFile(const QString& path, QString& user, QString& password, QString& error) {
    user.clear();
    password.clear();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        error = QCoreApplication::translate("ClientOptions", "cannot read %1: %2")
                    .arg(path, file.errorString());
        return false;
    }
    // The stack writes two short lines; anything much larger is not such a file (and a device
    // such as /dev/zero is never read to its end).
    constexpr qint64 kMaxSize = 64 * 1024;
    const QByteArray bytes = file.read(kMaxSize + 1);
    if (bytes.size() > kMaxSize) {
        error = QCoreApplication::translate(
                    "ClientOptions",
                    "%1 is not a credentials file (over 64 KiB; expected SHOP_ADMIN_USER=... and "
                    "SHOP_ADMIN_PASSWORD=... lines)")
                    .arg(path);
        return false;
    }
    bool hasUser = false;
    bool hasPassword = false;
    const QStringList lines = QString::fromUtf8(bytes).split(u'\n');
    for (QString line : lines) {
        line = line.trimmed();
        if (line.startsWith(QChar(0xFEFF))) {
            line = line.mid(1).trimmed();
        }
        if (line.startsWith(QLatin1StringView("export "))) {
            line = line.mid(7).trimmed();
        }
        const qsizetype equals = line.indexOf(u'=');
        if (line.startsWith(u'#') || equals <= 0) {
            continue;
        }
        const QString key = line.left(equals).trimmed();
        QString value = line.mid(equals + 1).trimmed();
        if (value.size() >= 2 && (value.front() == u'"' || value.front() == u'\'') &&
            value.back() == value.front()) {
            value = value.mid(1, value.size() - 2);
        }
        // The first of each wins, as for the stack's own reading of the file.
        if (key == QLatin1StringView("SHOP_ADMIN_USER") && !hasUser) {
            user = value;
            hasUser = true;
        } else if (key == QLatin1StringView("SHOP_ADMIN_PASSWORD") && !hasPassword) {
            password = value;
            hasPassword = true;
        }
    }
    if (user.isEmpty() || password.isEmpty()) {
        const QString missing = user.isEmpty() ? QStringLiteral("SHOP_ADMIN_USER")
                                               : QStringLiteral("SHOP_ADMIN_PASSWORD");
        error = QCoreApplication::translate("ClientOptions",
                                            "%1 has no %2=... line with a value (expected "
                                            "SHOP_ADMIN_USER=... and SHOP_ADMIN_PASSWORD=... "
                                            "lines, as in .stack/credentials)")
                    .arg(path, missing);
        user.clear();
        password.clear();
        return false;
    }
    error.clear();
    return true;
}

ClientOptions parseClientOptions(const QStringList& arguments,
                                 const QProcessEnvironment& environment,
                                 const QSettings& settings) {
    ClientOptions options;
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "ClientOptions", "Desktop client of the shop: accounts, orders and live order status."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption gatewayOption(
        QStringLiteral("gateway"),
        QCoreApplication::translate("ClientOptions",
                                    "Gateway URL (else SHOP_GATEWAY_URL, then the saved "
                                    "setting, then %1).")
            .arg(QLatin1StringView(kDefaultGatewayUrl)),
        QStringLiteral("URL"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("ClientOptions",
                                    "Save a picture of the main window to FILE and quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption delayOption(
        QStringLiteral("screenshot-delay"),
        QCoreApplication::translate("ClientOptions", "Run MS milliseconds before --screenshot."),
        QStringLiteral("MS"), QStringLiteral("5000"));
    const QCommandLineOption historyOption(
        QStringLiteral("screenshot-history"),
        QCoreApplication::translate("ClientOptions",
                                    "With --screenshot, also open the History of account USER_ID "
                                    "and save it to FILE with -history before its extension."),
        QStringLiteral("USER_ID"));
    const QCommandLineOption credentialsOption(
        QStringLiteral("credentials"),
        QCoreApplication::translate("ClientOptions",
                                    "Sign in at start with SHOP_ADMIN_USER and SHOP_ADMIN_PASSWORD "
                                    "from FILE (as in .stack/credentials)."),
        QStringLiteral("FILE"));
    parser.addOption(gatewayOption);
    parser.addOption(credentialsOption);
    parser.addOption(screenshotOption);
    parser.addOption(delayOption);
    parser.addOption(historyOption);
    options.helpText = parser.helpText();

    if (!parser.parse(arguments)) {
        options.error = parser.errorText();
        return options;
    }
    options.showHelp = parser.isSet(helpOption);

    QString gatewayText;
    if (parser.isSet(gatewayOption)) {
        gatewayText = parser.value(gatewayOption);
        options.gatewaySource = GatewaySource::CommandLine;
    } else if (!environment.value(QStringLiteral("SHOP_GATEWAY_URL")).isEmpty()) {
        gatewayText = environment.value(QStringLiteral("SHOP_GATEWAY_URL"));
        options.gatewaySource = GatewaySource::Environment;
    } else if (!settings.value(QLatin1StringView(kGatewaySettingsKey)).toString().isEmpty()) {
        gatewayText = settings.value(QLatin1StringView(kGatewaySettingsKey)).toString();
        options.gatewaySource = GatewaySource::Settings;
    } else {
        gatewayText = QLatin1StringView(kDefaultGatewayUrl);
        options.gatewaySource = GatewaySource::Default;
    }
    QString error;
    options.gatewayUrl = parseGatewayUrl(gatewayText, error);
    if (!error.isEmpty()) {
        const char* from = "";
        switch (options.gatewaySource) {
            case GatewaySource::CommandLine:
                from = "--gateway";
                break;
            case GatewaySource::Environment:
                from = "SHOP_GATEWAY_URL";
                break;
            case GatewaySource::Settings:
            case GatewaySource::Default:
                from = "the saved settings";
                break;
        }
        options.error = QCoreApplication::translate("ClientOptions", "gateway '%1' from %2: %3")
                            .arg(gatewayText, QLatin1StringView(from), error);
        return options;
    }

    if (parser.isSet(credentialsOption)) {
        if (!readCredentialsFile(parser.value(credentialsOption), options.signInUser,
                                 options.signInPassword, error)) {
            options.error = error;
            return options;
        }
        options.hasCredentials = true;
    }

    options.screenshotPath = parser.value(screenshotOption);
    bool delayOk = false;
    options.screenshotDelayMs = parser.value(delayOption).toInt(&delayOk);
    if (!delayOk || options.screenshotDelayMs < 0) {
        options.error =
            QCoreApplication::translate("ClientOptions", "--screenshot-delay needs milliseconds");
    }
    if (parser.isSet(historyOption)) {
        if (options.screenshotPath.isEmpty()) {
            options.error = QCoreApplication::translate(
                "ClientOptions", "--screenshot-history needs --screenshot FILE");
            return options;
        }
        options.screenshotHistoryUser = parser.value(historyOption).trimmed();
        const QFileInfo main(options.screenshotPath);
        options.screenshotHistoryPath =
            main.dir().filePath(main.completeBaseName() + QStringLiteral("-history.") +
                                (main.suffix().isEmpty() ? QStringLiteral("png") : main.suffix()));
    }
    return options;
}

}  // namespace shop::client
