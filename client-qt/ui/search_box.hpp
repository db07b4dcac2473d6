#pragma once

#include <QTimer>
#include <QWidget>

#include "core/api_types.hpp"
#include "core/id_search.hpp"

class QFrame;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;

namespace shop::client {
class ApiClient;
}  // namespace shop::client

namespace shop::client::ui {

/// One box to find an account or an order by (the start of) its id, on the server.
///
/// What is typed is checked at once (a bad prefix is explained and nothing is sent); a good one
/// is looked up after a short pause in typing (IdSearch), and the matches are listed in a popup
/// under the box: accounts with their balance, orders with their status and amount. Choosing
/// one (click, or Up/Down and Enter) emits accountChosen() or orderChosen(). A whole id (typed
/// or pasted, whitespace around it trimmed) is read directly, and when exactly one account or
/// order has it, it is chosen without a further click. Escape closes the popup.
class SearchBox final : public QWidget {
    Q_OBJECT

  public:
    SearchBox(ApiClient* api, QWidget* parent = nullptr);

    QLineEdit* lineEdit() const { return m_edit; }
    /// The popup under the box, its message line and its list of matches.
    QFrame* popup() const { return m_popup; }
    QLabel* message() const { return m_message; }
    QListWidget* results() const { return m_results; }

    /// The pause in typing after which a search is sent (default 250 ms).
    void setDebounce(std::chrono::milliseconds delay);
    /// Puts the cursor in the box with its text selected (the Find shortcut).
    void focusSearch();

  signals:
    void accountChosen(const shop::client::Account& account);
    void orderChosen(const shop::client::Order& order);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void textChanged();
    void runSearch();
    void showResult(const IdSearchResult& result);
    void showMessage(const QString& text, bool problem);
    void choose(QListWidgetItem* item);
    void placePopup();
    void hidePopup();

    IdSearch* m_search;
    QLineEdit* m_edit;
    QFrame* m_popup;
    QLabel* m_message;
    QListWidget* m_results;
    QTimer m_debounce;
    IdSearchResult m_shown;
    QString m_pendingPrefix;
};

}  // namespace shop::client::ui
