#include "ui/accounts_panel.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "core/account_model.hpp"
#include "core/api_client.hpp"
#include "ui/notification_bar.hpp"
#include "ui/table_tools.hpp"

namespace shop::client::ui {

AccountsPanel::AccountsPanel(ApiClient* api, NotificationBar* notifications, QWidget* parent)
    : QWidget(parent),
      m_api(api),
      m_notifications(notifications),
      m_loadProblem(notifications->newId()),
      m_model(new AccountModel(this)),
      m_proxy(TableTools::sortProxy(m_model, this)),
      m_view(new QTableView(this)),
      m_tools(nullptr),
      m_summary(new QLabel(this)),
      m_more(new QPushButton(tr("Load &more"), this)) {
    m_view->setObjectName(QStringLiteral("accountsView"));
    m_view->setModel(m_proxy);
    m_tools = new TableTools(m_view, AccountModel::UserIdRole, tr("user id"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(26);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(AccountModel::UserIdColumn, 272);
    m_view->setColumnWidth(AccountModel::BalanceColumn, 92);
    m_view->setColumnWidth(AccountModel::CreatedColumn, 140);
    // Shown from the header's context menu; pages come newest first by it anyway.
    m_view->setColumnHidden(AccountModel::CreatedColumn, true);
    m_tools->fitColumns({AccountModel::BalanceColumn});
    m_summary->setObjectName(QStringLiteral("accountsSummary"));
    m_more->setObjectName(QStringLiteral("accountsLoadMore"));
    m_more->setEnabled(false);

    auto* title = new QLabel(tr("<b>Accounts</b>"), this);
    auto* header = new QHBoxLayout;
    header->addWidget(title);
    auto* footer = new QHBoxLayout;
    footer->addWidget(m_summary, 1);
    footer->addWidget(m_more);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_view, 1);
    layout->addLayout(footer);

    connect(m_more, &QPushButton::clicked, this, &AccountsPanel::loadMore);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const auto account = currentAccount();
        const QString userId = account ? account->userId : QString();
        if (userId != m_lastSelected) {
            m_lastSelected = userId;
            emit currentAccountChanged(userId);
        }
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &AccountsPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AccountsPanel::updateSummary);
    // A model reset drops the selection without a signal; when no row is selected again after
    // it (e.g. a first page without the selected account, or an empty one), the orders pane and
    // the actions must not go on with the account that was selected.
    connect(
        m_model, &QAbstractItemModel::modelReset, this,
        [this] {
            if (!m_lastSelected.isEmpty() && !currentAccount()) {
                m_lastSelected.clear();
                emit currentAccountChanged(QString());
            }
        },
        Qt::QueuedConnection);
    updateSummary();
}

void AccountsPanel::addContextActions(const QList<QAction*>& actions) {
    m_tools->addContextActions(actions);
}

void AccountsPanel::reload() {
    ++m_generation;
    m_loading = false;
    loadPage(QString());
}

void AccountsPanel::clear() {
    ++m_generation;
    m_loading = false;
    m_nextCursor.clear();
    m_newerThanLoad.clear();
    m_model->reset({});
    updateSummary();
    if (!m_lastSelected.isEmpty()) {
        // A model reset moves the selection without a signal.
        m_lastSelected.clear();
        emit currentAccountChanged(QString());
    }
}

void AccountsPanel::loadMore() {
    if (!m_nextCursor.isEmpty() && !m_loading) {
        loadPage(m_nextCursor);
    }
}

void AccountsPanel::loadPage(const QString& cursor) {
    if (cursor.isEmpty()) {
        m_newerThanLoad.clear();
    }
    m_loading = true;
    m_more->setEnabled(false);
    const int generation = m_generation;
    const QString title = tr("Loading accounts failed:");
    m_api->listAccounts(
        kPageSize, cursor, this,
        [this, cursor, generation, title](const ApiResult<Page<Account>>& result) {
            if (generation != m_generation) {
                return;  // a reload started since; its answer decides
            }
            m_loading = false;
            if (!result.ok()) {
                m_more->setEnabled(!m_nextCursor.isEmpty());
                m_notifications->showError(m_loadProblem, title, result.error(), [this, cursor] {
                    if (cursor.isEmpty()) {
                        reload();
                    } else {
                        loadPage(cursor);
                    }
                });
                emit loaded();
                return;
            }
            m_notifications->clear(m_loadProblem);
            m_nextCursor = result.value().nextCursor;
            if (cursor.isEmpty()) {
                const QString selected = m_lastSelected;
                // The selected account stays, even when it is older than the
                // first page (found by the search): a reload must not move the
                // selection under the operator's next action.
                const std::optional<Account> kept = m_model->accountAt(m_model->rowOf(selected));
                m_model->reset(result.value().items);
                for (const Account& newer : m_newerThanLoad) {
                    m_model->upsert(newer);
                }
                m_newerThanLoad.clear();
                if (kept && m_model->rowOf(selected) < 0) {
                    m_model->upsert(*kept);
                }
                if (!selected.isEmpty() && m_model->rowOf(selected) >= 0) {
                    selectUserId(selected);
                } else if (m_model->rowCount() > 0) {
                    m_view->selectRow(0);
                }
            } else {
                m_model->append(result.value().items);
            }
            updateSummary();
            emit loaded();
        });
}

void AccountsPanel::refreshAccount(const QString& userId) {
    if (m_model->rowOf(userId) < 0 || m_refreshing.contains(userId)) {
        return;
    }
    m_refreshing.insert(userId);
    const int generation = m_generation;
    m_api->getAccount(userId, this, [this, userId, generation](const ApiResult<Account>& result) {
        m_refreshing.remove(userId);
        if (result.ok() && generation == m_generation) {  // not read before a clear()
            write(result.value());
        }
    });
}

void AccountsPanel::write(const Account& account) {
    m_model->upsert(account);
    if (m_loading) {
        m_newerThanLoad.append(account);
    }
}

void AccountsPanel::upsert(const Account& account, bool select) {
    write(account);
    if (select) {
        selectUserId(account.userId);
    }
}

std::optional<Account> AccountsPanel::currentAccount() const {
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid()) {
        return std::nullopt;
    }
    return m_model->accountAt(m_proxy->mapToSource(current).row());
}

void AccountsPanel::selectUserId(const QString& userId) {
    const int row = m_model->rowOf(userId);
    if (row < 0) {
        return;
    }
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (index.isValid()) {
        m_view->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_view->scrollTo(index);
    }
}

void AccountsPanel::updateSummary() {
    const int count = m_model->rowCount();
    const QString text =
        m_nextCursor.isEmpty()
            ? tr("%n account(s)", nullptr, count)
            : tr("The newest %n account(s) loaded, older ones on the server", nullptr, count);
    m_summary->setText(text);
    m_more->setEnabled(!m_nextCursor.isEmpty() && !m_loading);
}

}  // namespace shop::client::ui
