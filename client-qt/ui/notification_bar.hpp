#pragma once

#include <QFrame>
#include <QList>
#include <functional>

#include "core/api_error.hpp"

class QLabel;
class QPushButton;

namespace shop::client::ui {

/// Problems shown above the work area without blocking anything: the newest one with its
/// message, request id, a Retry button (which re-runs exactly the failed action, Idempotency-Key
/// included) and Dismiss. A problem with the same title as a shown one replaces it.
class NotificationBar final : public QFrame {
    Q_OBJECT

  public:
    using Retry = std::function<void()>;

    explicit NotificationBar(QWidget* parent = nullptr);

    /// Shows `title` failed with `error`; `retry` may be empty when there is nothing to retry.
    void showError(const QString& title, const ApiError& error, Retry retry = {});
    /// Shows a problem that is not an API error (e.g. "Signed out"), with an optional action.
    void showMessage(const QString& title, const QString& text, const QString& actionText = {},
                     Retry action = {});
    /// Removes the problem with this title, if shown (e.g. after the action succeeded).
    void clear(const QString& title);
    /// How many problems are waiting, the shown one included.
    int count() const { return static_cast<int>(m_entries.size()); }
    /// The title of the shown problem; empty when none.
    QString currentTitle() const;

  private:
    struct Entry {
        QString title;
        QString text;
        QString actionText;
        Retry action;
    };
    void push(Entry entry);
    void refresh();

    QList<Entry> m_entries;
    QLabel* m_text;
    QLabel* m_more;
    QPushButton* m_action;
    QPushButton* m_dismiss;
};

}  // namespace shop::client::ui
