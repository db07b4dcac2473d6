#include "ui/screenshot.hpp"

#include <QApplication>
#include <QPixmap>
#include <QTimer>
#include <cstdio>

namespace shop::client::ui {

void saveScreenshotsLater(std::function<std::vector<Shot>()> shots, int delayMs,
                          std::function<QString()> problem) {
    QTimer::singleShot(delayMs, qApp, [shots = std::move(shots), problem = std::move(problem)] {
        const QString reason = problem ? problem() : QString();
        if (!reason.isEmpty()) {
            std::fprintf(stderr, "not saving screenshots: %s\n", qPrintable(reason));
            QApplication::exit(1);
            return;
        }
        bool all = true;
        for (const Shot& shot : shots()) {
            const bool saved = shot.widget && shot.widget->grab().save(shot.path, "PNG");
            std::fprintf(stderr, "%s %s\n",
                         saved ? "screenshot saved to" : "could not save screenshot to",
                         qPrintable(shot.path));
            all = all && saved;
        }
        QApplication::exit(all ? 0 : 1);
    });
}

}  // namespace shop::client::ui
