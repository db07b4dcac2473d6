#include "ui/screenshot.hpp"

#include <QApplication>
#include <QPixmap>
#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <cstdio>

namespace shop::client::ui {

void saveScreenshotLater(QWidget* window, const QString& path, int delayMs,
                         std::function<QString()> problem) {
    QPointer<QWidget> target(window);
    QTimer::singleShot(delayMs, qApp, [target, path, problem = std::move(problem)] {
        const QString reason = problem ? problem() : QString();
        if (!reason.isEmpty()) {
            std::fprintf(stderr, "not saving a screenshot to %s: %s\n", qPrintable(path),
                         qPrintable(reason));
            QApplication::exit(1);
            return;
        }
        const bool saved = target && target->grab().save(path, "PNG");
        std::fprintf(stderr, "%s %s\n",
                     saved ? "screenshot saved to" : "could not save screenshot to",
                     qPrintable(path));
        QApplication::exit(saved ? 0 : 1);
    });
}

}  // namespace shop::client::ui
