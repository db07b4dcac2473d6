#include "ui/screenshot.hpp"

#include <QApplication>
#include <QPixmap>
#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <cstdio>

namespace shop::client::ui {

void saveScreenshotLater(QWidget* window, const QString& path, int delayMs) {
    QPointer<QWidget> target(window);
    QTimer::singleShot(delayMs, qApp, [target, path] {
        const bool saved = target && target->grab().save(path, "PNG");
        std::fprintf(stderr, "%s %s\n",
                     saved ? "screenshot saved to" : "could not save screenshot to",
                     qPrintable(path));
        QApplication::exit(saved ? 0 : 1);
    });
}

}  // namespace shop::client::ui
