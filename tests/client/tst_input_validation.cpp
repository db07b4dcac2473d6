// Amount, description, refund reason and id inputs accept exactly what the API accepts
// (CONTRACT section 2), money text converts to minor units and back exactly,
// and the client's options pick the gateway URL in the documented order.
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "core/client_options.hpp"
#include "core/input_validation.hpp"

using namespace shop::client;

class tst_InputValidation : public QObject {
    Q_OBJECT

  private slots:
    void amounts_data();
    void amounts();
    void descriptions_data();
    void descriptions();
    void refundReasons_data();
    void refundReasons();
    void moneyInMinorUnits();
    void userIds_data();
    void userIds();
    void gatewayUrl_data();
    void gatewayUrl();
    void credentialsFile();
    void screenshotHistory();
};

void tst_InputValidation::amounts_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("positive");
    QTest::addColumn<QString>("value");  // empty: refused
    QTest::addColumn<QString>("errorPart");

    QTest::newRow("integer") << "200" << true << "200.00"
                             << "";
    QTest::newRow("two decimals") << "199.99" << true << "199.99"
                                  << "";
    QTest::newRow("one decimal") << "0.5" << true << "0.50"
                                 << "";
    QTest::newRow("smallest") << "0.01" << true << "0.01"
                              << "";
    QTest::newRow("maximum") << "1000000000.00" << true << "1000000000.00"
                             << "";
    QTest::newRow("maximum without decimals") << "1000000000" << true << "1000000000.00"
                                              << "";
    QTest::newRow("zero balance allowed") << "0" << false << "0.00"
                                          << "";
    QTest::newRow("zero amount refused") << "0" << true << ""
                                         << "greater than 0";
    QTest::newRow("zero with decimals refused") << "0.00" << true << ""
                                                << "greater than 0";
    QTest::newRow("over the maximum") << "1000000000.01" << true << ""
                                      << "at most 1000000000.00";
    QTest::newRow("far over the maximum") << "99999999999999999999" << true << ""
                                          << "at most";
    QTest::newRow("three decimals") << "1.999" << true << ""
                                    << "at most 2 decimal places";
    QTest::newRow("negative") << "-5" << true << ""
                              << "negative";
    QTest::newRow("leading plus") << "+5" << true << ""
                                  << "'+'";
    QTest::newRow("exponent") << "1e3" << true << ""
                              << "exponent";
    QTest::newRow("NaN") << "NaN" << true << ""
                         << "finite";
    QTest::newRow("Infinity") << "Infinity" << true << ""
                              << "finite";
    QTest::newRow("leading zeros") << "007" << true << ""
                                   << "leading zeros";
    QTest::newRow("no digit before point") << ".5" << true << ""
                                           << "before the decimal point";
    QTest::newRow("no digit after point") << "5." << true << ""
                                          << "after the decimal point";
    QTest::newRow("comma") << "5,00" << true << ""
                           << "decimal number";
    QTest::newRow("leading space trimmed") << " 10" << true << "10.00"
                                           << "";
    QTest::newRow("surrounding whitespace trimmed") << "\t19.99 \n"
                                                    << true << "19.99"
                                                    << "";
    QTest::newRow("space inside") << "1 0" << true << ""
                                  << "must not contain whitespace";
    QTest::newRow("space inside, trimmed around") << " 1 0 " << true << ""
                                                  << "must not contain whitespace";
    QTest::newRow("blank") << "   " << true << ""
                           << "must not be empty";
    QTest::newRow("letters") << "ten" << true << ""
                             << "decimal number";
    QTest::newRow("empty") << "" << true << ""
                           << "must not be empty";
}

void tst_InputValidation::amounts() {
    QFETCH(QString, text);
    QFETCH(bool, positive);
    QFETCH(QString, value);
    QFETCH(QString, errorPart);
    const FieldCheck check = checkAmount(text, positive, QStringLiteral("amount"));
    QCOMPARE(check.ok(), !value.isEmpty());
    QCOMPARE(check.value, value);
    if (!errorPart.isEmpty()) {
        QVERIFY2(check.error.contains(errorPart), qPrintable(check.error));
        QVERIFY2(check.error.startsWith(QLatin1StringView("amount ")), qPrintable(check.error));
    }
}

void tst_InputValidation::descriptions_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("value");  // empty: refused
    QTest::addColumn<QString>("error");
    const QString required = QStringLiteral("a description is required");
    QTest::newRow("plain") << "a book"
                           << "a book" << QString();
    QTest::newRow("one character") << "x"
                                   << "x" << QString();
    QTest::newRow("500 characters") << QString(500, u'a') << QString(500, u'a') << QString();
    QTest::newRow("500 non-ASCII characters")
        << QString(500, QChar(0x00e9)) << QString(500, QChar(0x00e9)) << QString();
    const QString emoji = QString::fromUcs4(QList<char32_t>(500, U'\U0001F600').constData(), 500);
    QTest::newRow("500 characters outside the BMP") << emoji << emoji << QString();
    QTest::newRow("501 characters")
        << QString(501, u'a') << QString() << "description must be at most 500 characters";
    QTest::newRow("500 characters and space around")
        << "  " + QString(500, u'a') + " " << QString(500, u'a') << QString();
    QTest::newRow("trimmed, inner space kept") << "  a  book\t"
                                               << "a  book" << QString();
    QTest::newRow("empty") << "" << QString() << required;
    QTest::newRow("blank") << "   " << QString() << required;
    QTest::newRow("only a tab") << "\t" << QString() << required;
    QTest::newRow("newline") << "two\nlines" << QString()
                             << "description must not contain control characters";
    QTest::newRow("tab") << "a\tb" << QString()
                         << "description must not contain control characters";
    QTest::newRow("DEL") << QStringLiteral("a\x7f") << QString()
                         << "description must not contain control characters";
}

void tst_InputValidation::descriptions() {
    QFETCH(QString, text);
    QFETCH(QString, value);
    QFETCH(QString, error);
    const FieldCheck check = checkDescription(text);
    QCOMPARE(check.ok(), !value.isEmpty());
    QCOMPARE(check.value, value);
    QCOMPARE(check.error, error);
}

void tst_InputValidation::refundReasons_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("value");
    QTest::newRow("none") << "" << true << "";
    QTest::newRow("blank is none") << "   " << true << "";
    QTest::newRow("plain") << "damaged in transit" << true << "damaged in transit";
    QTest::newRow("trimmed") << " damaged " << true << "damaged";
    QTest::newRow("200 characters") << QString(200, u'a') << true << QString(200, u'a');
    const QString emoji = QString::fromUcs4(QList<char32_t>(200, U'\U0001F600').constData(), 200);
    QTest::newRow("200 characters outside the BMP") << emoji << true << emoji;
    QTest::newRow("201 characters") << QString(201, u'a') << false << "";
    QTest::newRow("newline") << "two\nlines" << false << "";
}

void tst_InputValidation::refundReasons() {
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QString, value);
    const FieldCheck check = checkRefundReason(text);
    QCOMPARE(check.ok(), ok);
    QCOMPARE(check.value, value);
}

void tst_InputValidation::moneyInMinorUnits() {
    QCOMPARE(moneyMinor(QStringLiteral("199.99")), std::optional<qint64>(19999));
    QCOMPARE(moneyMinor(QStringLiteral("0.00")), std::optional<qint64>(0));
    QCOMPARE(moneyMinor(QStringLiteral("1000000000.00")), std::optional<qint64>(100000000000));
    QCOMPARE(moneyMinor(QStringLiteral("-1.00")), std::optional<qint64>());
    QCOMPARE(moneyMinor(QStringLiteral("1.001")), std::optional<qint64>());
    QCOMPARE(moneyMinor(QString()), std::optional<qint64>());
    QCOMPARE(moneyText(19999), QStringLiteral("199.99"));
    QCOMPARE(moneyText(5), QStringLiteral("0.05"));
    QCOMPARE(moneyText(-150), QStringLiteral("-1.50"));
}

void tst_InputValidation::userIds_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("optional");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("ok");
    QTest::newRow("canonical") << "3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b" << false
                               << "3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b" << true;
    QTest::newRow("upper case normalized") << "3F2B6C1E-8A4D-4E8F-9B1A-2C3D4E5F6A7B" << false
                                           << "3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b" << true;
    QTest::newRow("space around trimmed") << " 3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b\t" << false
                                          << "3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b" << true;
    QTest::newRow("space inside") << "3f2b6c1e-8a4d-4e8f-9b1a 2c3d4e5f6a7b" << false << "" << false;
    QTest::newRow("blank optional") << "" << true << "" << true;
    QTest::newRow("spaces optional") << "   " << true << "" << true;
    QTest::newRow("spaces required") << "   " << false << "" << false;
    QTest::newRow("blank required") << "" << false << "" << false;
    QTest::newRow("braces") << "{3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b}" << true << "" << false;
    QTest::newRow("not a uuid") << "alice" << true << "" << false;
}

void tst_InputValidation::userIds() {
    QFETCH(QString, text);
    QFETCH(bool, optional);
    QFETCH(QString, value);
    QFETCH(bool, ok);
    const FieldCheck check = checkUserId(text, optional);
    QCOMPARE(check.ok(), ok);
    QCOMPARE(check.value, value);
}

void tst_InputValidation::gatewayUrl_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("environment");
    QTest::addColumn<QString>("saved");
    QTest::addColumn<QString>("expected");  // empty: a usage error
    QTest::addColumn<int>("source");

    const QString program = QStringLiteral("shop-client");
    QTest::newRow("default") << QStringList{program} << ""
                             << ""
                             << "http://127.0.0.1:8080" << static_cast<int>(GatewaySource::Default);
    QTest::newRow("saved setting") << QStringList{program} << ""
                                   << "http://saved:1"
                                   << "http://saved:1" << static_cast<int>(GatewaySource::Settings);
    QTest::newRow("environment beats setting")
        << QStringList{program} << "http://env:2"
        << "http://saved:1"
        << "http://env:2" << static_cast<int>(GatewaySource::Environment);
    QTest::newRow("command line beats all")
        << QStringList{program, "--gateway", "http://cli:3"} << "http://env:2"
        << "http://saved:1"
        << "http://cli:3" << static_cast<int>(GatewaySource::CommandLine);
    QTest::newRow("https with a prefix")
        << QStringList{program, "--gateway=https://shop.test/api"} << ""
        << ""
        << "https://shop.test/api" << static_cast<int>(GatewaySource::CommandLine);
    QTest::newRow("not http") << QStringList{program, "--gateway", "ftp://x"} << ""
                              << ""
                              << "" << 0;
    QTest::newRow("unknown option") << QStringList{program, "--frobnicate"} << ""
                                    << ""
                                    << "" << 0;
}

void tst_InputValidation::gatewayUrl() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, environment);
    QFETCH(QString, saved);
    QFETCH(QString, expected);
    QFETCH(int, source);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    if (!saved.isEmpty()) {
        settings.setValue(QLatin1StringView(kGatewaySettingsKey), saved);
    }
    QProcessEnvironment env;
    if (!environment.isEmpty()) {
        env.insert(QStringLiteral("SHOP_GATEWAY_URL"), environment);
    }
    const ClientOptions options = parseClientOptions(arguments, env, settings);
    if (expected.isEmpty()) {
        QVERIFY(!options.error.isEmpty());
        return;
    }
    QVERIFY2(options.error.isEmpty(), qPrintable(options.error));
    QCOMPARE(options.gatewayUrl, QUrl(expected));
    QCOMPARE(static_cast<int>(options.gatewaySource), source);
}

void tst_InputValidation::credentialsFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("credentials"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("# written by the stack\nSHOP_ADMIN_USER=admin\nSHOP_ADMIN_PASSWORD='p=a ss'\n");
    file.close();
    QString user;
    QString password;
    QString error;
    QVERIFY(readCredentialsFile(path, user, password, error));
    QCOMPARE(user, QStringLiteral("admin"));
    QCOMPARE(password, QStringLiteral("p=a ss"));

    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    const ClientOptions options =
        parseClientOptions({QStringLiteral("shop-client"), QStringLiteral("--credentials"), path},
                           QProcessEnvironment(), settings);
    QVERIFY(options.hasCredentials);
    QCOMPARE(options.signInUser, QStringLiteral("admin"));
    QVERIFY(!readCredentialsFile(dir.filePath(QStringLiteral("missing")), user, password, error));
    QVERIFY(!error.isEmpty());
    const ClientOptions broken = parseClientOptions(
        {QStringLiteral("shop-client"), QStringLiteral("--credentials"), dir.filePath("missing")},
        QProcessEnvironment(), settings);
    QVERIFY(!broken.error.isEmpty());
}

void tst_InputValidation::screenshotHistory() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    const QString user = QStringLiteral("9a0afcf7-e281-4b8d-8107-616b5b5777a2");
    const ClientOptions options = parseClientOptions(
        {QStringLiteral("shop-client"), QStringLiteral("--screenshot"),
         QStringLiteral("out/shot.png"), QStringLiteral("--screenshot-history"), user},
        QProcessEnvironment(), settings);
    QVERIFY2(options.error.isEmpty(), qPrintable(options.error));
    QCOMPARE(options.screenshotHistoryUser, user);
    QCOMPARE(options.screenshotHistoryPath, QStringLiteral("out/shot-history.png"));
    // The History's picture goes beside the main one: without it, the option means nothing.
    const ClientOptions alone = parseClientOptions(
        {QStringLiteral("shop-client"), QStringLiteral("--screenshot-history"), user},
        QProcessEnvironment(), settings);
    QVERIFY(alone.error.contains(QStringLiteral("--screenshot FILE")));
}

QTEST_GUILESS_MAIN(tst_InputValidation)
#include "tst_input_validation.moc"
