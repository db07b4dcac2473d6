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
                               const QString& note, QWidget* parent)
    : QDialog(parent),
      m_url(new QLineEdit(gatewayUrl.toString(), this)),
      m_urlError(new QLabel(this)),
      m_urlHint(new QLabel(this)),
      m_timeout(new QSpinBox(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    setMinimumWidth(460);
    m_url->setObjectName(QStringLiteral("gatewayUrlEdit"));
    m_url->setPlaceholderText(QLatin1StringView(kDefaultGatewayUrl));
    m_urlError->setObjectName(QStringLiteral("gatewayUrlError"));
    m_urlError->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_urlError->setWordWrap(true);
    m_urlError->hide();
    m_urlHint->setObjectName(QStringLiteral("gatewayUrlHint"));
    m_urlHint->setWordWrap(true);
    m_urlHint->hide();
    m_timeout->setRange(1, 120);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setValue(static_cast<int>(timeout.count() / 1000));

    auto* form = new QFormLayout;
    form->addRow(tr("&Gateway URL"), m_url);
    form->addRow(tr("Request &timeout"), m_timeout);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    // Below the form, across the dialog's whole width: a message in the form's field column
    // wraps into a narrow strip, and one with a long unbroken word is cut off there.
    layout->addWidget(m_urlError);
    layout->addWidget(m_urlHint);
    if (!note.isEmpty()) {
        auto* noteLabel = new QLabel(note, this);
        noteLabel->setObjectName(QStringLiteral("settingsNote"));
        noteLabel->setWordWrap(true);
        layout->addWidget(noteLabel);
    }
    layout->addStretch(1);
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
    const QUrl url = parseGatewayUrl(m_url->text(), error);
    m_urlError->setText(error);
    m_urlError->setVisible(!error.isEmpty());
    const bool rewritten = error.isEmpty() && url.toString() != m_url->text().trimmed();
    m_urlHint->setText(rewritten ? tr("Uses %1").arg(url.toString()) : QString());
    m_urlHint->setVisible(rewritten);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
    // Grow (never shrink below what the operator made it) when a message appears: a top-level
    // window does not grow by itself for a word-wrapped label's height.
    if (isVisible() && layout() != nullptr) {
        const int needed = layout()->totalHeightForWidth(width());
        if (needed > height()) {
            resize(width(), needed);
        }
    }
}

}  // namespace shop::client::ui
