#pragma once

#include <QHash>
#include <QList>
#include <QObject>

class QAbstractItemModel;
class QAction;
class QSortFilterProxyModel;
class QTableView;

namespace shop::client::ui {

/// What makes a QTableView of the client an operator's table, the same in every one:
/// - sorting by a click on a header (through a proxy sorting by SortRole of
///   core/table_roles.hpp: money by value, times by instant, statuses by their life cycle); a
///   third click goes back to the model's own order (newest first);
/// - Ctrl+C and "Copy rows" put the selected rows on the clipboard as tab-separated text with a
///   header line, each cell as CopyRole gives it (full ids, plain amounts, RFC 3339 times);
/// - "Copy id" puts the current row's full id on the clipboard;
/// - a context menu holding the actions given to addContextActions(), then the copy entries;
/// - full ids and dates where the column is wide enough, their CompactTextRole where not
///   (CompactTextDelegate);
/// - columns given to fitColumns() always as wide as their widest cell: never elided;
/// - the header's context menu shows or hides each column (one stays shown).
class TableTools final : public QObject {
    Q_OBJECT

  public:
    /// Attaches to `view`, whose model must be set already (usually sortProxy()'s). `idRole` is
    /// the role holding a row's full id, `idName` what that id is called ("order id").
    TableTools(QTableView* view, int idRole, const QString& idName);

    /// A proxy over `source` that sorts by SortRole and keeps sorting as rows change.
    static QSortFilterProxyModel* sortProxy(QAbstractItemModel* source, QObject* parent);
    /// The selected rows of `view` as tab-separated lines, in the order shown, after a header
    /// line: every column (hidden ones too) in the order shown, each cell's CopyRole (its display
    /// text when it has none). Tabs and line breaks inside a cell become spaces. Empty when
    /// nothing is selected.
    static QString selectedRowsText(const QTableView* view);

    /// Adds entries to the view's context menu, above the copy entries.
    void addContextActions(const QList<QAction*>& actions);
    /// Keeps these columns at least as wide as their widest cell and their header, whatever
    /// rows come, change or go, and however the user drags them.
    void fitColumns(const QList<int>& columns);

    QAction* copyRowsAction() const { return m_copyRows; }
    QAction* copyIdAction() const { return m_copyId; }
    /// The header's "show this column" entries, one per column, checked while it is shown.
    const QList<QAction*>& columnActions() const { return m_columnActions; }

  private:
    void copyRows();
    void copyId();
    void updateActions();
    void updateColumnActions();
    /// Widens fitted columns for rows first..last (all rows when last < 0), and with `reset`
    /// starts their widths needed afresh.
    void fitRows(int first, int last, bool reset);

    QTableView* m_view;
    int m_idRole;
    QAction* m_separator;
    QAction* m_copyId;
    QAction* m_copyRows;
    QList<QAction*> m_columnActions;
    /// Fitted column -> the width its widest cell needs.
    QHash<int, int> m_needed;
};

}  // namespace shop::client::ui
