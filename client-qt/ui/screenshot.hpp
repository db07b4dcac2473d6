#pragma once

#include <QString>
#include <functional>

class QWidget;

namespace shop::client::ui {

/// After `delayMs`, saves a picture of `window` (QWidget::grab, no window manager needed) to
/// `path` and quits the application: exit code 0 when the file was written, 1 otherwise.
/// `problem`, when given, is asked first: a non-empty answer (e.g. "not signed in") is printed,
/// nothing is saved and the exit code is 1.
void saveScreenshotLater(QWidget* window, const QString& path, int delayMs,
                         std::function<QString()> problem = {});

}  // namespace shop::client::ui
