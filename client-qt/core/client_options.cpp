#include "core/client_options.hpp"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace shop::client {

QUrl parseGatewayUrl(const QString& text, QString& error) {
    const QUrl url = QUrl::fromUserInput(text.trimmed());
    if (text.trimmed().isEmpty() || !url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1StringView("http") && url.scheme() != QLatin1StringView("https")) ||
        url.hasQuery() || url.hasFragment()) {
        error = QCoreApplication::translate("ClientOptions", "'%1' is not a gateway URL such as %2")
                    .arg(text, QLatin1StringView(kDefaultGatewayUrl));
        return {};
    }
    error.clear();
    return url;
}

bool readCredentialsFile(const QString& path, QString& user, QString& password, QString& error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        error = QCoreApplication::translate("ClientOptions", "cannot read %1: %2")
                    .arg(path, file.errorString());
        return false;
    }
    user.clear();
    password.clear();
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
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
        if (key == QLatin1StringView("SHOP_ADMIN_USER")) {
            user = value;
        } else if (key == QLatin1StringView("SHOP_ADMIN_PASSWORD")) {
            password = value;
        }
    }
    if (user.isEmpty()) {
        error = QCoreApplication::translate("ClientOptions", "%1 has no SHOP_ADMIN_USER line")
                    .arg(path);
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
        options.error = error;
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
