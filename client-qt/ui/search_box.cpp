#include "ui/search_box.hpp"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "core/api_client.hpp"
#include "core/money_text.hpp"
#include "core/order_model.hpp"

namespace shop::client::ui {
namespace {

constexpr int kKindRole = Qt::UserRole + 1;   ///< 0 for an account, 1 for an order
constexpr int kIndexRole = Qt::UserRole + 2;  ///< its index in the result's list
constexpr int kAccountKind = 0;
constexpr int kOrderKind = 1;

QString quoted(const QString& text) {
    return QStringLiteral("\u201c%1\u201d").arg(text);
}

}  // namespace

SearchBox::SearchBox(ApiClient* api, QWidget* parent)
    : QWidget(parent),
      m_search(new IdSearch(api, this)),
      m_edit(new QLineEdit(this)),
      m_popup(new QFrame(this, Qt::Tool | Qt::FramelessWindowHint | Qt::WindowDoesNotAcceptFocus)),
      m_message(new QLabel(m_popup)),
      m_results(new QListWidget(m_popup)) {
    setObjectName(QStringLiteral("searchBox"));
    m_edit->setObjectName(QStringLiteral("searchEdit"));
    m_edit->setPlaceholderText(tr("Find an account or order by id…"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setMinimumWidth(m_edit->fontMetrics().horizontalAdvance(u'0') * 38);
    m_edit->installEventFilter(this);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit);

    m_popup->setObjectName(QStringLiteral("searchPopup"));
    m_popup->setAttribute(Qt::WA_ShowWithoutActivating);
    m_popup->setFrameShape(QFrame::StyledPanel);
    m_message->setObjectName(QStringLiteral("searchMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_results->setObjectName(QStringLiteral("searchResults"));
    m_results->setFocusPolicy(Qt::NoFocus);
    m_results->setUniformItemSizes(true);
    auto* popupLayout = new QVBoxLayout(m_popup);
    popupLayout->setContentsMargins(6, 6, 6, 6);
    popupLayout->addWidget(m_message);
    popupLayout->addWidget(m_results, 1);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &SearchBox::runSearch);
    connect(m_edit, &QLineEdit::textChanged, this, &SearchBox::textChanged);
    connect(m_search, &IdSearch::finished, this, &SearchBox::showResult);
    connect(m_results, &QListWidget::itemClicked, this, &SearchBox::choose);
}

void SearchBox::setDebounce(std::chrono::milliseconds delay) {
    m_debounce.setInterval(delay);
}

void SearchBox::focusSearch() {
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
    // What the text last found, again (the popup closes when the box loses focus).
    if (!m_edit->text().trimmed().isEmpty() && !m_message->text().isEmpty()) {
        placePopup();
    }
}

void SearchBox::textChanged() {
    m_debounce.stop();
    m_search->cancel();
    m_results->clear();
    m_shown = IdSearchResult();
    if (m_edit->text().trimmed().isEmpty()) {
        hidePopup();
        return;
    }
    const FieldCheck check = checkIdPrefix(m_edit->text());
    if (!check.ok()) {
        m_pendingPrefix.clear();
        showMessage(check.error, true);
        return;
    }
    m_pendingPrefix = check.value;
    showMessage(tr("Searching the server for ids starting with %1…").arg(quoted(check.value)),
                false);
    // A whole id is most often pasted: nothing more is coming, look it up at once.
    if (isWholeId(check.value)) {
        runSearch();
    } else {
        m_debounce.start();
    }
}

void SearchBox::runSearch() {
    m_debounce.stop();
    if (!m_pendingPrefix.isEmpty()) {
        m_search->search(m_pendingPrefix);
    }
}

void SearchBox::showResult(const IdSearchResult& result) {
    m_shown = result;
    m_results->clear();
    const qsizetype found = result.accounts.size() + result.orders.size();
    if (result.wholeId && found == 1 && !result.error) {
        hidePopup();
        if (result.accounts.isEmpty()) {
            emit orderChosen(result.orders.first());
        } else {
            emit accountChosen(result.accounts.first());
        }
        return;
    }

    for (qsizetype i = 0; i < result.accounts.size(); ++i) {
        const Account& account = result.accounts.at(i);
        auto* item = new QListWidgetItem(
            tr("Account  %1    balance %2").arg(account.userId, moneyDisplayText(account.balance)),
            m_results);
        item->setData(kKindRole, kAccountKind);
        item->setData(kIndexRole, static_cast<int>(i));
        item->setToolTip(tr("Select this account in the accounts list"));
    }
    for (qsizetype i = 0; i < result.orders.size(); ++i) {
        const Order& order = result.orders.at(i);
        QString status = order.status;
        if (!order.failureReason.isEmpty()) {
            status += QStringLiteral(" (%1)").arg(describeFailureReason(order.failureReason));
        }
        auto* item = new QListWidgetItem(
            tr("Order  %1    %2    %3").arg(order.orderId, status, moneyDisplayText(order.amount)),
            m_results);
        item->setData(kKindRole, kOrderKind);
        item->setData(kIndexRole, static_cast<int>(i));
        item->setToolTip(tr("Open this order's details (account %1)").arg(order.userId));
    }
    if (m_results->count() > 0) {
        m_results->setCurrentRow(0);
    }

    QStringList lines;
    if (result.error) {
        lines << tr("The search failed: %1").arg(result.error->describe());
    } else if (found == 0) {
        lines << (result.wholeId
                      ? tr("No account or order has the id %1.").arg(quoted(result.prefix))
                      : tr("No account or order starts with %1.").arg(quoted(result.prefix)));
    } else if (result.moreAccounts || result.moreOrders) {
        lines << tr("The newest matches; more ids start with %1: type more of it.")
                     .arg(quoted(result.prefix));
    } else {
        lines << tr("%n match(es) for %1: Enter or a click picks one.", nullptr,
                    static_cast<int>(found))
                     .arg(quoted(result.prefix));
    }
    showMessage(lines.join(u'\n'), result.error.has_value());
}

void SearchBox::showMessage(const QString& text, bool problem) {
    m_message->setText(text);
    m_message->setStyleSheet(problem ? QStringLiteral("color: #b71c1c;") : QString());
    m_results->setVisible(m_results->count() > 0);
    placePopup();
}

void SearchBox::choose(QListWidgetItem* item) {
    if (item == nullptr) {
        return;
    }
    const int index = item->data(kIndexRole).toInt();
    const IdSearchResult result = m_shown;
    hidePopup();
    if (item->data(kKindRole).toInt() == kAccountKind) {
        if (index >= 0 && index < result.accounts.size()) {
            emit accountChosen(result.accounts.at(index));
        }
    } else if (index >= 0 && index < result.orders.size()) {
        emit orderChosen(result.orders.at(index));
    }
}

void SearchBox::placePopup() {
    const int rows = std::min(m_results->count(), 10);
    m_results->setFixedHeight(
        rows == 0 ? 0 : rows * m_results->sizeHintForRow(0) + 2 * m_results->frameWidth());
    m_popup->setFixedWidth(std::max(m_edit->width(), 520));
    m_popup->adjustSize();
    m_popup->move(m_edit->mapToGlobal(QPoint(0, m_edit->height())));
    m_popup->show();
}

void SearchBox::hidePopup() {
    m_popup->hide();
}

bool SearchBox::eventFilter(QObject* watched, QEvent* event) {
    if (watched != m_edit) {
        return QWidget::eventFilter(watched, event);
    }
    if (event->type() == QEvent::FocusOut && !m_popup->underMouse()) {
        hidePopup();
    } else if (event->type() == QEvent::ShortcutOverride &&
               static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape && m_popup->isVisible()) {
        // Escape closes this popup first, not the window's shortcut (the bar's message).
        event->accept();
        return true;
    } else if (event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        switch (key->key()) {
            case Qt::Key_Escape:
                if (m_popup->isVisible()) {
                    hidePopup();
                    return true;
                }
                break;
            case Qt::Key_Down:
            case Qt::Key_Up:
                if (m_popup->isVisible() && m_results->count() > 0) {
                    const int step = key->key() == Qt::Key_Down ? 1 : -1;
                    const int row =
                        std::clamp(m_results->currentRow() + step, 0, m_results->count() - 1);
                    m_results->setCurrentRow(row);
                    return true;
                }
                break;
            case Qt::Key_Return:
            case Qt::Key_Enter:
                if (m_debounce.isActive()) {
                    runSearch();  // no need to wait for the pause: Enter says the id is typed
                } else if (m_popup->isVisible() && m_results->currentItem() != nullptr) {
                    choose(m_results->currentItem());
                } else if (!m_edit->text().trimmed().isEmpty()) {
                    // Again, e.g. after the popup was closed: at once for a good prefix.
                    textChanged();
                    if (m_debounce.isActive()) {
                        runSearch();
                    }
                }
                return true;
            default:
                break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace shop::client::ui
