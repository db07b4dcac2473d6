#include "ui/sign_in_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/auth_session.hpp"
#include "ui/form_field.hpp"

namespace shop::client::ui {

SignInDialog::SignInDialog(AuthSession* session, const QUrl& gatewayUrl, const QString& username,
                           const QString& reason, QWidget* parent)
    : QDialog(parent),
      m_session(session),
      m_reason(new QLabel(this)),
      m_gateway(new QLabel(this)),
      m_settings(new QPushButton(tr("Se&ttings…"), this)),
      m_unreachable(new QLabel(this)),
      m_username(new QLineEdit(username, this)),
      m_password(new QLineEdit(this)),
      m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("signInDialog"));
    setWindowTitle(tr("Sign in"));
    setMinimumWidth(380);
    m_reason->setObjectName(QStringLiteral("signInReason"));
    m_reason->setWordWrap(true);
    m_gateway->setObjectName(QStringLiteral("signInGateway"));
    m_gateway->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_settings->setObjectName(QStringLiteral("signInSettings"));
    m_settings->setAutoDefault(false);
    m_settings->setToolTip(tr("Change the gateway URL"));
    m_unreachable->setObjectName(QStringLiteral("signInUnreachable"));
    m_unreachable->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_unreachable->setWordWrap(true);
    m_unreachable->hide();
    m_username->setObjectName(QStringLiteral("usernameEdit"));
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_error->setObjectName(QStringLiteral("signInError"));
    m_error->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_error->setWordWrap(true);
    m_error->hide();
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Sign in"));
    setReason(reason);
    setGatewayUrl(gatewayUrl);

    auto* gatewayRow = new QHBoxLayout;
    gatewayRow->addWidget(m_gateway, 1);
    gatewayRow->addWidget(m_settings);
    // The fields take the dialog's width and never shrink below a long user name or password.
    const QString roomFor = QStringLiteral("operator.name@example.org");
    reserveTextRoom(m_username, roomFor);
    reserveTextRoom(m_password, roomFor);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Gateway"), gatewayRow);
    form->addRow(tr("&Username"), m_username);
    form->addRow(tr("&Password"), m_password);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_reason);
    layout->addLayout(form);
    layout->addWidget(m_unreachable);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_settings, &QPushButton::clicked, this, &SignInDialog::settingsRequested);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SignInDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_session, &AuthSession::signedIn, this, [this] {
        m_password->clear();
        accept();
    });
    // Signed out while an attempt was on its way (Settings switched the gateway): its answer is
    // dropped, so the fields must not wait for it.
    connect(m_session, &AuthSession::stateChanged, this, [this](AuthSession::State state) {
        if (state == AuthSession::State::SignedOut) {
            setBusy(false);
        }
    });
    connect(m_session, &AuthSession::signInFailed, this, [this](const ApiError& error) {
        setBusy(false);
        if (error.httpStatus == 401) {
            m_error->setText(tr("Wrong username or password."));
        } else if (error.httpStatus == 429) {
            m_error->setText(error.retryAfterSeconds > 0
                                 ? tr("Too many failed sign-ins: try again in %n second(s).",
                                      nullptr, error.retryAfterSeconds)
                                 : tr("Too many failed sign-ins: wait a little and try again."));
        } else {
            m_error->setText(tr("Signing in failed: %1").arg(error.describe()));
        }
        setGatewayUnreachable(error.kind == ApiError::Kind::Network ||
                              error.kind == ApiError::Kind::Timeout);
        m_error->show();
        m_password->selectAll();
        m_password->setFocus();
    });
    auto updateOk = [this] {
        m_buttons->button(QDialogButtonBox::Ok)
            ->setEnabled(!m_username->text().trimmed().isEmpty() && m_password->isEnabled());
    };
    connect(m_username, &QLineEdit::textChanged, this, updateOk);
    updateOk();
    if (username.isEmpty()) {
        m_username->setFocus();
    } else {
        m_password->setFocus();
    }
}

QString SignInDialog::username() const {
    return m_username->text().trimmed();
}

void SignInDialog::submitWith(const QString& username, const QString& password) {
    m_username->setText(username);
    m_password->setText(password);
    submit();
}

void SignInDialog::setGatewayUrl(const QUrl& url) {
    m_gatewayUrl = url;
    m_gateway->setText(url.toString());
    if (m_unreachable->isVisible()) {
        m_unreachable->setText(unreachableText());
    }
}

void SignInDialog::setReason(const QString& reason) {
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
}

void SignInDialog::setGatewayUnreachable(bool unreachable) {
    m_unreachable->setText(unreachableText());
    m_unreachable->setVisible(unreachable);
}

QString SignInDialog::unreachableText() const {
    return tr("The gateway at %1 cannot be reached. Check that it is running (./shop up on "
              "this machine), or change its URL in Settings.")
        .arg(m_gatewayUrl.toString());
}

void SignInDialog::submit() {
    if (username().isEmpty()) {
        return;
    }
    m_error->hide();
    setBusy(true);
    m_session->signIn(username(), m_password->text());
}

void SignInDialog::setBusy(bool busy) {
    m_username->setEnabled(!busy);
    m_password->setEnabled(!busy);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    m_buttons->button(QDialogButtonBox::Ok)->setText(busy ? tr("Signing in…") : tr("Sign in"));
}

}  // namespace shop::client::ui
