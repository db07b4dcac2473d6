#include "ui/settings_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/client_options.hpp"

namespace shop::client::ui {

SettingsDialog::SettingsDialog(const QUrl& gatewayUrl, std::chrono::milliseconds timeout,
                               const QString& overrideNote, QWidget* parent)
    : QDialog(parent),
      m_url(new QLineEdit(gatewayUrl.toString(), this)),
      m_urlError(new QLabel(this)),
      m_timeout(new QSpinBox(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    setMinimumWidth(420);
    m_url->setObjectName(QStringLiteral("gatewayUrlEdit"));
    m_url->setPlaceholderText(QLatin1StringView(kDefaultGatewayUrl));
    m_urlError->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_urlError->setWordWrap(true);
    m_urlError->hide();
    m_timeout->setRange(1, 120);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setValue(static_cast<int>(timeout.count() / 1000));

    auto* form = new QFormLayout;
    form->addRow(tr("&Gateway URL"), m_url);
    form->addRow(QString(), m_urlError);
    form->addRow(tr("Request &timeout"), m_timeout);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    if (!overrideNote.isEmpty()) {
        auto* note = new QLabel(overrideNote, this);
        note->setWordWrap(true);
        layout->addWidget(note);
    }
    layout->addWidget(m_buttons);

    connect(m_url, &QLineEdit::textChanged, this, &SettingsDialog::revalidate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    revalidate();
}

QUrl SettingsDialog::gatewayUrl() const {
    QString error;
    return parseGatewayUrl(m_url->text(), error);
}

std::chrono::milliseconds SettingsDialog::timeout() const {
    return std::chrono::seconds(m_timeout->value());
}

void SettingsDialog::revalidate() {
    QString error;
    parseGatewayUrl(m_url->text(), error);
    m_urlError->setText(error);
    m_urlError->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
}

}  // namespace shop::client::ui
