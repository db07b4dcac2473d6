// The desktop client: reads the options, makes the core objects and the main window, and hands
// over to the event loop. Everything else lives in shop_client_core and shop_client_ui.
#include <QApplication>
#include <QIcon>
#include <QNetworkAccessManager>
#include <QProcessEnvironment>
#include <QSettings>
#include <QTimer>
#include <algorithm>
#include <cstdio>

#include "core/api_client.hpp"
#include "core/auth_session.hpp"
#include "core/client_options.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"
#include "ui/ledger_dialog.hpp"
#include "ui/main_window.hpp"
#include "ui/screenshot.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("shop"));
    QApplication::setApplicationName(QStringLiteral("shop-client"));
    QApplication::setApplicationDisplayName(QStringLiteral("Shop"));
    QApplication::setApplicationVersion(QStringLiteral(SHOP_VERSION));
    QIcon icon;
    icon.addFile(QStringLiteral(":/icons/shop-64.png"));
    icon.addFile(QStringLiteral(":/icons/shop-256.png"));
    QApplication::setWindowIcon(icon);

    const shop::client::ClientOptions options = shop::client::parseClientOptions(
        QApplication::arguments(), QProcessEnvironment::systemEnvironment(), QSettings());
    if (!options.error.isEmpty()) {
        std::fprintf(stderr, "shop-client: %s\n\n%s", qPrintable(options.error),
                     qPrintable(options.helpText));
        return 2;
    }
    if (options.showHelp) {
        std::fputs(qPrintable(options.helpText), stdout);
        return 0;
    }

    QNetworkAccessManager network;
    shop::client::ApiClient api(&network);
    shop::client::AuthSession auth(&api);
    shop::client::EventStream stream;
    shop::client::HealthMonitor health(&api);
    shop::client::ui::MainWindow window({&api, &auth, &stream, &health}, options);
    if (options.hasCredentials) {
        // Signing in from a file is unattended (scripts, the screenshot): say why it failed.
        QObject::connect(&auth, &shop::client::AuthSession::signInFailed, &app,
                         [&options](const shop::client::ApiError& error) {
                             std::fprintf(stderr, "shop-client: signing in as %s failed: %s\n",
                                          qPrintable(options.signInUser),
                                          qPrintable(error.describe()));
                             if (!options.screenshotPath.isEmpty()) {
                                 QApplication::exit(1);
                             }
                         });
    }
    window.show();
    window.start();
    QPointer<QWidget> history;
    if (!options.screenshotHistoryUser.isEmpty()) {
        // The account's History beside the window, opened early enough for its pages to load.
        QTimer::singleShot(std::max(0, options.screenshotDelayMs - 3000), &window,
                           [&window, &api, &options, &history] {
                               auto* dialog = new shop::client::ui::LedgerDialog(
                                   &api, options.screenshotHistoryUser, &window);
                               dialog->setAttribute(Qt::WA_DeleteOnClose);
                               dialog->show();
                               history = dialog;
                           });
    }
    if (!options.screenshotPath.isEmpty()) {
        shop::client::ui::saveScreenshotsLater(
            [&window, &options, &history] {
                std::vector<shop::client::ui::Shot> shots{{&window, options.screenshotPath}};
                if (!options.screenshotHistoryUser.isEmpty()) {
                    shots.push_back({history, options.screenshotHistoryPath});
                }
                return shots;
            },
            options.screenshotDelayMs,
            [&auth] {
                return auth.state() == shop::client::AuthSession::State::SignedIn
                           ? QString()
                           : QStringLiteral("the client is not signed in");
            });
    }
    return QApplication::exec();
}
