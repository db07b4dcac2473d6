#pragma once

#include <QString>

class QWidget;

namespace shop::client::ui {

/// After `delayMs`, saves a picture of `window` (QWidget::grab, no window manager needed) to
/// `path` and quits the application: exit code 0 when the file was written, 1 otherwise.
void saveScreenshotLater(QWidget* window, const QString& path, int delayMs);

}  // namespace shop::client::ui
