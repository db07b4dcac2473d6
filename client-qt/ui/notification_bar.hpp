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
/// included) and Dismiss (also Escape, while the bar is shown and its window active). A 401 is
/// told as "not signed in", not with the API's text for developers.
///
/// Each problem has an id that newId() hands out, one per operation that can fail: two
/// operations that fail alike (two identical top-ups, say) are two entries, each retrying its
/// own operation. Showing a problem again under the id of a shown one (the same operation failed
/// again, e.g. a list that still cannot be loaded) replaces that entry instead of adding one.
class NotificationBar final : public QFrame {
    Q_OBJECT

  public:
    using Retry = std::function<void()>;
    /// Names one problem; 0 names none.
    using ProblemId = quint64;

    explicit NotificationBar(QWidget* parent = nullptr);

    /// A new id, never handed out before by this bar.
    ProblemId newId();
    /// Shows problem `id`: `title` failed with `error`; `retry` may be empty when there is
    /// nothing to retry. Replaces the entry shown under `id`, if any, and becomes the newest.
    /// With `id` 0 the problem gets a new id. Returns the problem's id.
    ProblemId showError(ProblemId id, const QString& title, const ApiError& error,
                        Retry retry = {});
    /// Shows problem `id` that is not an API error (e.g. "Signed out"), with an optional action;
    /// otherwise as showError().
    ProblemId showMessage(ProblemId id, const QString& title, const QString& text,
                          const QString& actionText = {}, Retry action = {});
    /// Removes problem `id`, if shown (e.g. after its operation succeeded).
    void clear(ProblemId id);
    /// Removes every problem but `keep` (their retries belonged to what is gone, e.g. another
    /// gateway).
    void clearAllBut(ProblemId keep);
    /// Removes the shown problem (Dismiss); the one before it, if any, is shown next.
    void dismissCurrent();
    /// How many problems are waiting, the shown one included.
    int count() const { return static_cast<int>(m_entries.size()); }
    /// The title of the shown problem; empty when none.
    QString currentTitle() const;
    /// The id of the shown problem; 0 when none.
    ProblemId currentId() const;

  private:
    struct Entry {
        ProblemId id = 0;
        QString title;
        QString text;
        QString actionText;
        Retry action;
    };
    ProblemId push(Entry entry);
    void refresh();

    QList<Entry> m_entries;
    ProblemId m_lastId = 0;
    QLabel* m_text;
    QLabel* m_more;
    QPushButton* m_action;
    QPushButton* m_dismiss;
};

}  // namespace shop::client::ui
