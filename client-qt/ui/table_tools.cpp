#include "ui/table_tools.hpp"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <algorithm>

#include "core/table_roles.hpp"
#include "ui/compact_text_delegate.hpp"

namespace shop::client::ui {
namespace {

QString cellText(const QVariant& value) {
    QString text = value.toString();
    text.replace(u'\t', u' ');
    text.replace(u'\r', u' ');
    text.replace(u'\n', u' ');
    return text;
}

}  // namespace

TableTools::TableTools(QTableView* view, int idRole, const QString& idName)
    : QObject(view),
      m_view(view),
      m_idRole(idRole),
      m_separator(new QAction(this)),
      m_copyId(new QAction(tr("Copy %1").arg(idName), this)),
      m_copyRows(new QAction(tr("&Copy rows"), this)) {
    m_view->setItemDelegate(new CompactTextDelegate(m_view));
    QHeaderView* header = m_view->horizontalHeader();
    header->setSortIndicatorClearable(true);
    // Unsorted at first: the model's own order (newest first).
    header->setSortIndicator(-1, Qt::AscendingOrder);
    m_view->setSortingEnabled(true);

    m_separator->setSeparator(true);
    m_copyId->setObjectName(QStringLiteral("copyIdAction"));
    m_copyRows->setObjectName(QStringLiteral("copyRowsAction"));
    m_copyRows->setShortcut(QKeySequence::Copy);
    m_copyRows->setShortcutContext(Qt::WidgetShortcut);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addActions({m_separator, m_copyId, m_copyRows});
    connect(m_copyRows, &QAction::triggered, this, &TableTools::copyRows);
    connect(m_copyId, &QAction::triggered, this, &TableTools::copyId);

    QAbstractItemModel* model = m_view->model();
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TableTools::updateActions);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &TableTools::updateActions);
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        updateActions();
        fitRows(0, -1, true);
    });
    connect(model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex&, int first, int last) { fitRows(first, last, false); });
    connect(model, &QAbstractItemModel::rowsRemoved, this, &TableTools::updateActions);
    connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& topLeft, const QModelIndex& bottomRight) {
                fitRows(topLeft.row(), bottomRight.row(), false);
            });
    for (int column = 0; column < model->columnCount(); ++column) {
        auto* show = new QAction(model->headerData(column, Qt::Horizontal).toString(), this);
        show->setObjectName(QStringLiteral("showColumn%1").arg(column));
        show->setCheckable(true);
        connect(show, &QAction::toggled, this, [this, column](bool shown) {
            m_view->setColumnHidden(column, !shown);
            updateColumnActions();
        });
        m_columnActions.append(show);
    }
    header->setContextMenuPolicy(Qt::ActionsContextMenu);
    header->addActions(m_columnActions);
    connect(header, &QHeaderView::sectionResized, this, &TableTools::updateColumnActions);
    // A restored layout hides and shows columns without resizing them one by one.
    connect(header, &QHeaderView::geometriesChanged, this, &TableTools::updateColumnActions);
    connect(header, &QHeaderView::sectionResized, this,
            [this](int logical, int /*oldSize*/, int newSize) {
                const auto needed = m_needed.constFind(logical);
                // 0 is a column being hidden: let it go.
                if (needed != m_needed.cend() && newSize > 0 && newSize < *needed) {
                    m_view->setColumnWidth(logical, *needed);
                }
            });
    updateActions();
    updateColumnActions();
}

QSortFilterProxyModel* TableTools::sortProxy(QAbstractItemModel* source, QObject* parent) {
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(SortRole);
    proxy->setDynamicSortFilter(true);
    return proxy;
}

QString TableTools::selectedRowsText(const QTableView* view) {
    const QAbstractItemModel* model = view->model();
    const QItemSelectionModel* selection = view->selectionModel();
    if (model == nullptr || selection == nullptr) {
        return {};
    }
    QList<int> rows;
    for (const QModelIndex& index : selection->selectedIndexes()) {
        if (!rows.contains(index.row())) {
            rows.append(index.row());
        }
    }
    if (rows.isEmpty()) {
        return {};
    }
    std::sort(rows.begin(), rows.end());
    const QHeaderView* header = view->horizontalHeader();
    QList<int> columns;
    for (int visual = 0; visual < header->count(); ++visual) {
        columns.append(header->logicalIndex(visual));
    }
    QStringList lines;
    QStringList cells;
    for (const int column : columns) {
        cells.append(cellText(model->headerData(column, Qt::Horizontal)));
    }
    lines.append(cells.join(u'\t'));
    for (const int row : rows) {
        cells.clear();
        for (const int column : columns) {
            const QModelIndex index = model->index(row, column);
            const QVariant copy = index.data(CopyRole);
            cells.append(cellText(copy.isValid() ? copy : index.data(Qt::DisplayRole)));
        }
        lines.append(cells.join(u'\t'));
    }
    return lines.join(u'\n') + u'\n';
}

void TableTools::addContextActions(const QList<QAction*>& actions) {
    m_view->insertActions(m_separator, actions);
}

void TableTools::fitColumns(const QList<int>& columns) {
    for (const int column : columns) {
        m_needed.insert(column, 0);
    }
    fitRows(0, -1, true);
}

void TableTools::copyRows() {
    const QString text = selectedRowsText(m_view);
    if (!text.isEmpty()) {
        QGuiApplication::clipboard()->setText(text);
    }
}

void TableTools::copyId() {
    const QString id = m_view->selectionModel()->currentIndex().data(m_idRole).toString();
    if (!id.isEmpty()) {
        QGuiApplication::clipboard()->setText(id);
    }
}

void TableTools::updateActions() {
    m_copyRows->setEnabled(m_view->selectionModel()->hasSelection());
    m_copyId->setEnabled(m_view->selectionModel()->currentIndex().isValid());
}

void TableTools::updateColumnActions() {
    const QHeaderView* header = m_view->horizontalHeader();
    int shown = 0;
    for (int column = 0; column < m_columnActions.size(); ++column) {
        // A column being hidden is resized to 0 before it counts as hidden.
        const bool visible = !header->isSectionHidden(column) && header->sectionSize(column) > 0;
        shown += visible ? 1 : 0;
        const QSignalBlocker blocker(m_columnActions.at(column));
        m_columnActions.at(column)->setChecked(visible);
    }
    // The last column shown stays: a table without columns could not get them back.
    for (QAction* action : std::as_const(m_columnActions)) {
        action->setEnabled(!(action->isChecked() && shown == 1));
    }
}

void TableTools::fitRows(int first, int last, bool reset) {
    if (m_needed.isEmpty()) {
        return;
    }
    const QAbstractItemModel* model = m_view->model();
    if (last < 0) {
        last = model->rowCount() - 1;
    }
    const QHeaderView* header = m_view->horizontalHeader();
    for (auto it = m_needed.begin(); it != m_needed.end(); ++it) {
        const int column = it.key();
        int needed = reset ? header->sectionSizeHint(column) : it.value();
        for (int row = first; row <= last; ++row) {
            const QString text = model->index(row, column).data().toString();
            needed = std::max(needed, CompactTextDelegate::textWidth(m_view, text));
        }
        it.value() = needed;
        if (m_view->columnWidth(column) < needed) {
            m_view->setColumnWidth(column, needed);
        }
    }
}

}  // namespace shop::client::ui
