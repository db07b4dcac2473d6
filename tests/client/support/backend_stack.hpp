#pragma once

#include <QList>
#include <QProcess>
#include <QString>
#include <QUrl>
#include <memory>
#include <vector>

namespace shop::client::testing {

/// The real payments, orders and gateway binaries, started on free ports against the test
/// PostgreSQL and RabbitMQ that `./shop test` (or `eval "$(./shop testenv)"`) provides, the way
/// tests/e2e starts them, with authentication: a random internal secret shared by the three and a
/// random token secret for each run, and the operator given to start(). Stopped with SIGTERM
/// when destroyed.
class BackendStack final {
  public:
    BackendStack();
    ~BackendStack();
    BackendStack(const BackendStack&) = delete;
    BackendStack& operator=(const BackendStack&) = delete;

    /// Starts the three services (the operator `adminUser` signs in with `adminPassword`, at
    /// least 8 characters) and waits until the gateway's /health/ready answers 200.
    /// Returns an empty string on success, else what went wrong (with the logs' last lines).
    QString start(const QString& adminUser, const QString& adminPassword);
    /// Sends SIGTERM to each service and waits for it to exit.
    void stop();

    QUrl gatewayUrl() const;
    QString logDir() const { return m_logDir; }

  private:
    struct Service {
        QString name;
        std::unique_ptr<QProcess> process;
    };
    QString startService(const QString& name, const QString& binary,
                         const QList<QPair<QString, QString>>& env);
    QString tails() const;

    QString m_logDir;
    QString m_internalSecret;
    QString m_tokenSecret;
    quint16 m_gatewayPort = 0;
    std::vector<Service> m_services;
};

}  // namespace shop::client::testing
