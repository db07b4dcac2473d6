#pragma once

#include <QPointer>
#include <QString>
#include <QWidget>
#include <functional>
#include <vector>

namespace shop::client::ui {

/// One picture to take: a widget (gone by then: nothing is saved, and the run fails) and where.
struct Shot {
    QPointer<QWidget> widget;
    QString path;
};

/// After `delayMs`, saves a picture of each of `shots` (QWidget::grab, no window manager needed)
/// to its path and quits the application: exit code 0 when every file was written, 1 otherwise.
/// `problem`, when given, is asked first: a non-empty answer (e.g. "not signed in") is printed,
/// nothing is saved and the exit code is 1.
void saveScreenshotsLater(std::function<std::vector<Shot>()> shots, int delayMs,
                          std::function<QString()> problem = {});

}  // namespace shop::client::ui
