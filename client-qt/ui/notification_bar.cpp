#include "ui/notification_bar.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>

namespace shop::client::ui {

NotificationBar::NotificationBar(QWidget* parent)
    : QFrame(parent),
      m_text(new QLabel(this)),
      m_more(new QLabel(this)),
      m_action(new QPushButton(tr("&Retry"), this)),
      m_dismiss(new QPushButton(tr("Dismiss"), this)) {
    setObjectName(QStringLiteral("notificationBar"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral(
        "#notificationBar { background: #fdecea; border: 1px solid #e57373; border-radius: 4px; }"
        "#notificationBar QLabel { color: #611a15; }"));
    m_text->setObjectName(QStringLiteral("notificationText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_action->setObjectName(QStringLiteral("notificationAction"));
    m_dismiss->setObjectName(QStringLiteral("notificationDismiss"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_more);
    layout->addWidget(m_action);
    layout->addWidget(m_dismiss);

    connect(m_action, &QPushButton::clicked, this, [this] {
        if (m_entries.isEmpty()) {
            return;
        }
        const Entry entry = m_entries.takeLast();
        refresh();
        if (entry.action) {
            entry.action();
        }
    });
    connect(m_dismiss, &QPushButton::clicked, this, &NotificationBar::dismissCurrent);
    // A shortcut of a hidden widget is off: Escape is the bar's only while it shows something.
    auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setObjectName(QStringLiteral("notificationEscape"));
    escape->setContext(Qt::WindowShortcut);
    connect(escape, &QShortcut::activated, this, &NotificationBar::dismissCurrent);
    m_dismiss->setToolTip(tr("Dismiss (Esc)"));
    hide();
}

NotificationBar::ProblemId NotificationBar::newId() {
    return ++m_lastId;
}

NotificationBar::ProblemId NotificationBar::showError(ProblemId id, const QString& title,
                                                      const ApiError& error, Retry retry) {
    ApiError shown = error;
    if (error.httpStatus == 401) {
        // The gateway's 401 text is for developers ("send Authorization: Bearer ...").
        shown.message = tr("not signed in, or the session has ended: sign in, then retry");
    }
    return push(
        Entry{id, title, shown.describe(), retry ? tr("&Retry") : QString(), std::move(retry)});
}

NotificationBar::ProblemId NotificationBar::showMessage(ProblemId id, const QString& title,
                                                        const QString& text,
                                                        const QString& actionText, Retry action) {
    return push(Entry{id, title, text, actionText, std::move(action)});
}

void NotificationBar::clear(ProblemId id) {
    m_entries.removeIf([&](const Entry& entry) { return entry.id == id; });
    refresh();
}

void NotificationBar::clearAllBut(ProblemId keep) {
    m_entries.removeIf([&](const Entry& entry) { return entry.id != keep; });
    refresh();
}

void NotificationBar::dismissCurrent() {
    if (!m_entries.isEmpty()) {
        m_entries.removeLast();
    }
    refresh();
}

QString NotificationBar::currentTitle() const {
    return m_entries.isEmpty() ? QString() : m_entries.last().title;
}

NotificationBar::ProblemId NotificationBar::currentId() const {
    return m_entries.isEmpty() ? 0 : m_entries.last().id;
}

NotificationBar::ProblemId NotificationBar::push(Entry entry) {
    if (entry.id == 0) {
        entry.id = newId();
    } else {
        m_entries.removeIf([&](const Entry& e) { return e.id == entry.id; });
    }
    const ProblemId id = entry.id;
    m_entries.append(std::move(entry));
    refresh();
    return id;
}

void NotificationBar::refresh() {
    if (m_entries.isEmpty()) {
        hide();
        return;
    }
    const Entry& entry = m_entries.last();
    m_text->setText(QStringLiteral("<b>%1</b> %2")
                        .arg(entry.title.toHtmlEscaped(), entry.text.toHtmlEscaped()));
    m_action->setText(entry.actionText);
    m_action->setVisible(static_cast<bool>(entry.action));
    m_more->setText(m_entries.size() > 1
                        ? tr("(%n more)", nullptr, static_cast<int>(m_entries.size() - 1))
                        : QString());
    m_more->setVisible(m_entries.size() > 1);
    show();
}

}  // namespace shop::client::ui
