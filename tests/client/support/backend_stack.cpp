#include "support/backend_stack.hpp"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTest>

namespace shop::client::testing {
namespace {

quint16 freePort() {
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) {
        return 0;
    }
    return probe.serverPort();
}

/// `bytes` random bytes from the system's generator, as hex text.
QString randomHex(int bytes) {
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char& byte : raw) {
        byte = static_cast<char>(QRandomGenerator::system()->bounded(256));
    }
    return QString::fromLatin1(raw.toHex());
}

QString address(quint16 port) {
    return QStringLiteral("127.0.0.1:%1").arg(port);
}

QString lastLines(const QString& path, int lines) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QList<QByteArray> all = file.readAll().split('\n');
    QStringList kept;
    for (qsizetype i = std::max<qsizetype>(0, all.size() - lines); i < all.size(); ++i) {
        kept << QString::fromUtf8(all.at(i));
    }
    return kept.join(u'\n');
}

}  // namespace

BackendStack::BackendStack()
    : m_logDir(QStringLiteral(SHOP_CLIENT_E2E_LOG_DIR)),
      m_internalSecret(randomHex(16)),
      m_tokenSecret(randomHex(32)) {}

BackendStack::~BackendStack() {
    stop();
}

QUrl BackendStack::gatewayUrl() const {
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_gatewayPort));
}

QString BackendStack::startService(const QString& name, const QString& binary,
                                   const QList<QPair<QString, QString>>& env) {
    auto process = std::make_unique<QProcess>();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("SHOP_LOG_LEVEL"), QStringLiteral("info"));
    // Orders and payments accept only requests that carry it; the gateway adds it.
    environment.insert(QStringLiteral("SHOP_INTERNAL_SECRET"), m_internalSecret);
    for (const auto& [key, value] : env) {
        environment.insert(key, value);
    }
    process->setProcessEnvironment(environment);
    const QString log = m_logDir + u'/' + name + QStringLiteral(".log");
    QFile::remove(log);
    process->setStandardOutputFile(log);
    process->setStandardErrorFile(log, QIODevice::Append);
    process->start(binary, {});
    if (!process->waitForStarted(10000)) {
        return QStringLiteral("%1 (%2) did not start: %3")
            .arg(name, binary, process->errorString());
    }
    m_services.push_back(Service{name, std::move(process)});
    return {};
}

QString BackendStack::start(const QString& adminUser, const QString& adminPassword) {
    const auto env = QProcessEnvironment::systemEnvironment();
    QStringList missing;
    for (const char* name :
         {"SHOP_TEST_AMQP_URL", "SHOP_TEST_ORDERS_DB_URL", "SHOP_TEST_PAYMENTS_DB_URL"}) {
        if (env.value(QLatin1StringView(name)).isEmpty()) {
            missing << QLatin1StringView(name);
        }
    }
    if (!missing.isEmpty()) {
        return QStringLiteral(
                   "%1 not set: run the tests through `./shop test`, or first "
                   "eval \"$(./shop testenv)\" and apply the migrations")
            .arg(missing.join(u", "));
    }
    QDir().mkpath(m_logDir);
    const quint16 paymentsPort = freePort();
    const quint16 ordersPort = freePort();
    m_gatewayPort = freePort();
    const QString amqp = env.value(QStringLiteral("SHOP_TEST_AMQP_URL"));

    QString error = startService(
        QStringLiteral("payments"), QStringLiteral(SHOP_PAYMENTS_BIN),
        {{QStringLiteral("SHOP_HTTP_ADDR"), address(paymentsPort)},
         {QStringLiteral("SHOP_DB_URL"), env.value(QStringLiteral("SHOP_TEST_PAYMENTS_DB_URL"))},
         {QStringLiteral("SHOP_AMQP_URL"), amqp}});
    if (error.isEmpty()) {
        error = startService(
            QStringLiteral("orders"), QStringLiteral(SHOP_ORDERS_BIN),
            {{QStringLiteral("SHOP_HTTP_ADDR"), address(ordersPort)},
             {QStringLiteral("SHOP_DB_URL"), env.value(QStringLiteral("SHOP_TEST_ORDERS_DB_URL"))},
             {QStringLiteral("SHOP_AMQP_URL"), amqp}});
    }
    if (error.isEmpty()) {
        // The operator signs in with these (CONTRACT: the password is set by
        // SHOP_ADMIN_PASSWORD); tokens are signed with a secret of this run.
        error = startService(
            QStringLiteral("gateway"), QStringLiteral(SHOP_GATEWAY_BIN),
            {{QStringLiteral("SHOP_HTTP_ADDR"), address(m_gatewayPort)},
             {QStringLiteral("SHOP_ORDERS_URL"), QStringLiteral("http://") + address(ordersPort)},
             {QStringLiteral("SHOP_PAYMENTS_URL"),
              QStringLiteral("http://") + address(paymentsPort)},
             {QStringLiteral("SHOP_AMQP_URL"), amqp},
             {QStringLiteral("SHOP_TOKEN_SECRET"), m_tokenSecret},
             {QStringLiteral("SHOP_ADMIN_USER"), adminUser},
             {QStringLiteral("SHOP_ADMIN_PASSWORD"), adminPassword}});
    }
    if (!error.isEmpty()) {
        return error + u'\n' + tails();
    }

    // Ready: the gateway, both services, their databases and the broker.
    QNetworkAccessManager network;
    const QUrl ready = gatewayUrl().resolved(QUrl(QStringLiteral("/health/ready")));
    QDeadlineTimer deadline(60000);
    int lastStatus = 0;
    while (!deadline.hasExpired()) {
        for (const Service& service : m_services) {
            if (service.process->state() != QProcess::Running) {
                return QStringLiteral("%1 exited during start-up\n%2").arg(service.name, tails());
            }
        }
        QNetworkRequest request(ready);
        request.setTransferTimeout(2000);
        QNetworkReply* reply = network.get(request);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 3000)) {
            reply->abort();
        }
        lastStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        if (lastStatus == 200) {
            return {};
        }
        QTest::qWait(100);  // between polls of a process we do not control
    }
    return QStringLiteral("the gateway was not ready within 60 s (last status %1)\n%2")
        .arg(lastStatus)
        .arg(tails());
}

void BackendStack::stop() {
    // The gateway first (no new requests), then the services.
    for (auto it = m_services.rbegin(); it != m_services.rend(); ++it) {
        QProcess* process = it->process.get();
        if (process->state() == QProcess::NotRunning) {
            continue;
        }
        process->terminate();
        if (!process->waitForFinished(20000)) {
            process->kill();
            process->waitForFinished(5000);
        }
    }
    m_services.clear();
}

QString BackendStack::tails() const {
    QString text;
    for (const Service& service : m_services) {
        text += QStringLiteral("---- %1 log (last lines) ----\n%2\n")
                    .arg(service.name, lastLines(m_logDir + u'/' + service.name + ".log", 30));
    }
    return text;
}

}  // namespace shop::client::testing
