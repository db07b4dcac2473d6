#include "ui/ledger_dialog.hpp"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "core/api_client.hpp"
#include "core/ledger_model.hpp"
#include "core/money_text.hpp"
#include "ui/table_tools.hpp"

namespace shop::client::ui {

LedgerDialog::LedgerDialog(ApiClient* api, const QString& userId, QWidget* parent)
    : QDialog(parent),
      m_api(api),
      m_userId(userId),
      m_model(new LedgerModel(this)),
      m_view(new QTableView(this)),
      m_summary(new QLabel(this)),
      m_status(new QLabel(this)),
      m_more(new QPushButton(tr("Load &more"), this)),
      m_reload(new QPushButton(tr("Re&load"), this)),
      m_export(new QPushButton(tr("&Export CSV…"), this)) {
    setObjectName(QStringLiteral("ledgerDialog"));
    setWindowTitle(tr("History of %1").arg(userId));
    setMinimumSize(780, 420);
    m_view->setObjectName(QStringLiteral("ledgerView"));
    m_view->setModel(TableTools::sortProxy(m_model, this));
    auto* tools = new TableTools(m_view, LedgerModel::EntryIdRole, tr("entry id"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(24);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(LedgerModel::CreatedColumn, 140);
    m_view->setColumnWidth(LedgerModel::KindColumn, 120);
    m_view->setColumnWidth(LedgerModel::AmountColumn, 96);
    m_view->setColumnWidth(LedgerModel::BalanceColumn, 110);
    m_view->setColumnWidth(LedgerModel::OrderColumn, 96);
    m_view->setColumnWidth(LedgerModel::RefundColumn, 96);
    tools->fitColumns({LedgerModel::AmountColumn, LedgerModel::BalanceColumn});
    m_summary->setObjectName(QStringLiteral("ledgerSummary"));
    m_status->setObjectName(QStringLiteral("ledgerStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_more->setObjectName(QStringLiteral("ledgerLoadMore"));
    m_reload->setObjectName(QStringLiteral("reloadLedger"));
    m_export->setObjectName(QStringLiteral("exportLedgerCsv"));

    auto* footer = new QHBoxLayout;
    footer->addWidget(m_summary, 1);
    footer->addWidget(m_more);
    footer->addWidget(m_reload);
    footer->addWidget(m_export);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addLayout(footer);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_more, &QPushButton::clicked, this, &LedgerDialog::loadMore);
    connect(m_reload, &QPushButton::clicked, this, &LedgerDialog::reload);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export history"),
            QDir::home().filePath(QStringLiteral("ledger-%1.csv").arg(m_userId.left(8))),
            tr("CSV files (*.csv)"));
        if (!path.isEmpty()) {
            exportCsv(path);
        }
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateControls();
    reload();
}

void LedgerDialog::reload() {
    loadPage(true, [](bool) {});
}

void LedgerDialog::loadMore() {
    if (m_model->hasMore() && !m_busy) {
        loadPage(false, [](bool) {});
    }
}

void LedgerDialog::loadPage(bool first, std::function<void(bool)> then) {
    const int generation = first ? ++m_generation : m_generation;
    const QString cursor = first ? QString() : m_model->nextCursor();
    m_busy = true;
    updateControls();
    showStatus(tr("Reading the history…"));
    auto fail = [this, generation, then](const QString& what, const ApiError& error) {
        if (generation != m_generation) {
            return;
        }
        m_busy = false;
        showError(what, error);
        updateControls();
        emit loaded(false);
        then(false);
    };
    auto readPage = [this, first, cursor, generation, then, fail] {
        m_api->listLedger(
            m_userId, kPageSize, cursor, this,
            [this, first, generation, then, fail](const ApiResult<Page<LedgerEntry>>& result) {
                if (generation != m_generation) {
                    return;  // a reload started since; its answer decides
                }
                if (!result.ok()) {
                    fail(tr("Reading the history failed:"), result.error());
                    return;
                }
                m_busy = false;
                if (first) {
                    m_model->reset(result.value().items, result.value().nextCursor);
                } else {
                    m_model->append(result.value().items, result.value().nextCursor);
                }
                showStatus(QString());
                updateControls();
                emit loaded(true);
                then(true);
            });
    };
    if (!first) {
        readPage();
        return;
    }
    // The running balance walks back from the balance now: read it right before the newest
    // entries.
    m_api->getAccount(m_userId, this,
                      [this, generation, readPage, fail](const ApiResult<Account>& account) {
                          if (generation != m_generation) {
                              return;
                          }
                          if (!account.ok()) {
                              fail(tr("Reading the account failed:"), account.error());
                              return;
                          }
                          m_model->setCurrentBalance(account.value().balance);
                          readPage();
                      });
}

void LedgerDialog::loadRemaining(std::function<void(bool)> then) {
    if (!m_model->hasMore()) {
        then(true);
        return;
    }
    loadPage(false, [this, then](bool ok) {
        if (!ok) {
            then(false);
            return;
        }
        loadRemaining(then);
    });
}

void LedgerDialog::exportCsv(const QString& path) {
    if (m_busy) {
        showStatus(tr("The history is still being read; export once it is in."));
        emit exported(path, false);
        return;
    }
    loadRemaining([this, path](bool ok) {
        if (!ok) {
            emit exported(path, false);
            return;
        }
        QSaveFile file(path);
        const QByteArray csv = m_model->toCsv();
        if (!file.open(QIODevice::WriteOnly) || file.write(csv) != csv.size() || !file.commit()) {
            showStatus(tr("Writing %1 failed: %2").arg(path, file.errorString()));
            emit exported(path, false);
            return;
        }
        showStatus(tr("Exported %n entry(ies) to %1", nullptr, m_model->rowCount()).arg(path));
        emit exported(path, true);
    });
}

void LedgerDialog::showError(const QString& what, const ApiError& error) {
    m_status->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_status->setText(what + u' ' + error.describe());
}

void LedgerDialog::showStatus(const QString& text) {
    m_status->setStyleSheet(QString());
    m_status->setText(text);
}

void LedgerDialog::updateControls() {
    const int count = m_model->rowCount();
    const QString balance = m_model->currentBalance();
    QString text = m_model->hasMore()
                       ? tr("%n entry(ies) loaded, more on the server", nullptr, count)
                       : tr("%n entry(ies)", nullptr, count);
    if (!balance.isEmpty()) {
        text += tr("; balance %1").arg(moneyDisplayText(balance));
    }
    m_summary->setText(text);
    m_more->setEnabled(m_model->hasMore() && !m_busy);
    m_reload->setEnabled(!m_busy);
    m_export->setEnabled(!m_busy && count > 0);
}

}  // namespace shop::client::ui
