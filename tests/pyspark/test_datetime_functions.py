"""Date/time functions through the real PySpark client, answers recorded from real
Spark: the examples of DESCRIBE FUNCTION EXTENDED, NULLs, leap years, month ends,
epoch edges, DST transitions in a non-UTC session time zone, Spark's datetime
patterns (formatting, parsing, invalid patterns), and ANSI on / off."""

from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path

import pytest
from pyspark.sql import functions as F

import golden
import sk8_servers


@pytest.fixture(scope="module")
def dates(spark):
    D, T = _dt.date, _dt.datetime
    df = spark.createDataFrame([
        (1, D(2024, 2, 29), T(2024, 2, 29, 23, 59, 59, 999999), "2024-02-29 23:59:59", "FRI"),
        (2, D(2023, 1, 31), T(2023, 1, 31), "2023-01-31", "mon"),
        (3, D(1970, 1, 1), T(1970, 1, 1), "1970-01-01 00:00:00.5", "Sunday"),
        (4, D(1969, 12, 31), T(1969, 12, 31, 23, 59, 59, 1), "1969-12-31T23:59:59Z", "tu"),
        (5, D(2000, 12, 31), T(2000, 12, 31, 12, 30, 45, 123000), " 2000-12-31 ", "SA"),
        (6, D(1900, 3, 1), T(1900, 3, 1, 1, 2, 3), "not a date", "WED"),
        (7, None, None, None, None),
        (8, D(2021, 1, 3), T(2021, 1, 3, 8), "2021-01-03 08:00:00 +02:00", "thursday"),
    ], "id INT, d DATE, ts TIMESTAMP, s STRING, dow STRING")
    df.createOrReplaceTempView("dt")
    return df


# --- Spark's own examples (DESCRIBE FUNCTION EXTENDED) -------------------------

_CATALOG = Path(__file__).resolve().parents[2] / "src" / "functions" / "spark_functions.json"
EXAMPLE_FUNCTIONS = [
    "add_months", "convert_timezone", "date_add", "date_diff", "date_format", "date_from_unix_date", "date_part",
    "date_sub", "date_trunc", "dateadd", "datediff", "datepart", "day", "dayname", "dayofmonth", "dayofweek",
    "dayofyear", "extract", "from_unixtime", "from_utc_timestamp", "hour", "last_day", "make_date",
    "make_dt_interval", "make_timestamp", "make_timestamp_ltz", "make_timestamp_ntz", "minute", "month",
    "monthname", "months_between", "next_day", "quarter", "second", "timestamp_micros", "timestamp_millis",
    "timestamp_seconds", "to_date", "to_timestamp", "to_timestamp_ltz", "to_timestamp_ntz", "to_unix_timestamp",
    "to_utc_timestamp", "trunc", "try_make_timestamp", "try_make_timestamp_ltz", "try_make_timestamp_ntz",
    "try_to_date", "try_to_timestamp", "unix_date", "unix_micros", "unix_millis", "unix_seconds", "unix_timestamp",
    "weekday", "weekofyear", "year",
]
# Examples with interval sources or results the client cannot collect (year-month intervals).
SKIPPED_EXAMPLES = re.compile(r"interval|make_ym_interval|\bTIME\s*'|\bTIME\(|make_time\(", re.IGNORECASE)


def _examples(name: str) -> list[str]:
    functions = json.loads(_CATALOG.read_text())["functions"]
    text = next(f["extended_usage"] for f in functions if f["name"] == name)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("> SELECT") and not SKIPPED_EXAMPLES.search(line):
            out.append(line[2:].rstrip(";"))
    return out


# sk8 differs: the SQL parser upper-cases EXTRACT's field in the column name;
# make_timestamp(date[, time[, tz]]) (Spark 4.1's TIME forms) is not there yet.
KNOWN_DIFFERENCES = {"extract": "EXTRACT's field is upper-cased in the column name",
                     "make_timestamp": "make_timestamp(date[, time]) forms",
                     "try_make_timestamp": "try_make_timestamp(date[, time]) forms"}


@pytest.mark.parametrize("fn", [pytest.param(f, marks=pytest.mark.xfail(
    sk8_servers.target() == "sk8", strict=True, reason=KNOWN_DIFFERENCES[f])) if f in KNOWN_DIFFERENCES else f
                                for f in EXAMPLE_FUNCTIONS])
def test_describe_examples(spark, request, fn):
    for i, sql in enumerate(_examples(fn)):
        if "current_" in sql or "unix_timestamp()" in sql:
            continue
        try:
            df = spark.sql(sql)
            golden.check(request, f"ex{i}", df)
        except Exception:
            golden.check_error(request, f"ex{i}", lambda: spark.sql(sql).collect())


# --- fields ---------------------------------------------------------------------

def test_fields(spark, dates, request):
    golden.check(request, "df", spark.sql(
        "SELECT id, year(d), quarter(d), month(d), day(d), dayofmonth(ts), dayofweek(d), dayofyear(d), weekday(d), "
        "weekofyear(d), hour(ts), minute(ts), second(ts), year(s), hour(s), dayname(d), monthname(ts) FROM dt "
        "WHERE id NOT IN (4, 6, 8)"))


def test_extract(spark, dates, request):
    golden.check(request, "df", spark.sql(
        "SELECT id, extract(YEAR FROM d), extract(YEAROFWEEK FROM d), extract(QTR FROM ts), extract(MONTHS FROM d), "
        "extract(W FROM d), extract(DAYS FROM ts), extract(DOW FROM d), extract(DOW_ISO FROM d), extract(DOY FROM d), "
        "extract(HOUR FROM ts), extract(M FROM ts), extract(SECOND FROM ts), extract(SECOND FROM d), "
        "date_part('YEAR', ts), date_part('secs', ts), datepart('week', d) FROM dt"))


# --- arithmetic -------------------------------------------------------------------

def test_arithmetic(spark, dates, request):
    golden.check(request, "df", spark.sql(
        "SELECT id, date_add(d, 1), date_sub(d, 30), date_add(s, id), datediff(d, DATE '2000-01-01'), "
        "date_diff(ts, d), add_months(d, 1), add_months(d, -12), add_months(d, id), last_day(d), last_day(ts), "
        "next_day(d, dow), next_day(d, 'mo'), months_between(ts, d), months_between(d, DATE '2020-02-29'), "
        "months_between(ts, TIMESTAMP '2000-01-31 10:00:00', false) FROM dt WHERE id <> 6"))


def test_trunc(spark, dates, request):
    golden.check(request, "df", spark.sql(
        "SELECT id, trunc(d, 'YEAR'), trunc(d, 'yy'), trunc(d, 'QUARTER'), trunc(d, 'MM'), trunc(d, 'week'), "
        "trunc(d, 'day'), trunc(d, 'bad'), date_trunc('YEAR', ts), date_trunc('quarter', ts), date_trunc('MON', ts), "
        "date_trunc('WEEK', ts), date_trunc('DD', ts), date_trunc('HOUR', ts), date_trunc('minute', ts), "
        "date_trunc('SECOND', ts), date_trunc('MILLISECOND', ts), date_trunc('MICROSECOND', ts), date_trunc('x', ts) "
        "FROM dt"))


def test_unix_conversions(spark, dates, request):
    golden.check(request, "df", spark.sql(
        "SELECT id, unix_date(d), date_from_unix_date(unix_date(d)), unix_seconds(ts), unix_millis(ts), "
        "unix_micros(ts), timestamp_seconds(unix_seconds(ts)), timestamp_millis(unix_millis(ts)), "
        "timestamp_micros(unix_micros(ts)), unix_timestamp(ts), unix_timestamp(d), to_unix_timestamp(ts), "
        "from_unixtime(unix_seconds(ts)), from_unixtime(id * 86400, 'yyyy/MM/dd') FROM dt"))


def test_timestamp_seconds_types(spark, request):
    golden.check(request, "df", spark.sql(
        "SELECT timestamp_seconds(1.5), timestamp_seconds(CAST(-1.25 AS DOUBLE)), timestamp_seconds(CAST(2.5 AS FLOAT)), "
        "timestamp_seconds(CAST('NaN' AS DOUBLE)), timestamp_seconds(CAST(NULL AS INT)), timestamp_millis(-1), "
        "timestamp_micros(-1), unix_seconds(TIMESTAMP '1969-12-31 23:59:59.5'), unix_millis(TIMESTAMP '1969-12-31 23:59:59.9995')"))


def test_make_functions(spark, request):
    golden.check(request, "df", spark.sql(
        "SELECT make_date(2024, 2, 29), CAST(make_date(-44, 3, 15) AS STRING), make_timestamp(2014, 12, 28, 6, 30, 45.887), "
        "make_timestamp(2019, 6, 30, 23, 59, 60), make_timestamp(2019, 6, 30, 23, 59, 1, 'CET'), "
        "make_timestamp_ntz(2014, 12, 28, 6, 30, 45.887), make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887, 'Asia/Tokyo'), "
        "make_dt_interval(1, 12, 30, 1.001001), make_dt_interval(2), make_dt_interval(), "
        "make_date(NULL, 1, 1), try_make_timestamp(2024, 13, 1, 0, 0, 0)"))


# --- formatting -------------------------------------------------------------------

FORMATS = [
    "yyyy-MM-dd HH:mm:ss.SSSSSS", "G GGGG y yy yyy yyyy yyyyy", "M MM MMM MMMM L LL LLL LLLL",
    "d dd D DD DDD Q QQ QQQ QQQQ F", "E EE EEE EEEE a h hh K KK k kk H HH", "m mm s ss S SS SSS SSSS SSSSSSSSS",
    "VV z zzzz O OOOO X XX XXX XXXX XXXXX", "x xx xxx xxxx xxxxx Z ZZ ZZZ ZZZZ ZZZZZ",
    "'quoted ''text''' yyyy''MM", "[yyyy] [HH:mm]", "EEEE, MMMM d, yyyy h:mm a",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_date_format(spark, dates, request, fmt):
    golden.check(request, "df", spark.sql(f"SELECT id, date_format(ts, '{fmt.replace(chr(39), chr(39) * 2)}') FROM dt"))


def test_date_format_inputs(spark, request):
    golden.check(request, "df", spark.sql(
        "SELECT date_format(DATE '2020-01-02', 'yyyy-MM-dd HH:mm'), date_format('2020-01-02 10:11:12', 'MMM dd HH'), "
        "date_format(TIMESTAMP_NTZ '2020-01-02 03:04:05', 'yyyy-MM-dd HH:mm z'), "
        "date_format(make_date(-5, 1, 5), 'y yy yyy yyyy G'), date_format(make_date(-5, 1, 5), 'y yyyy'), "
        "date_format(make_timestamp(12345, 1, 5, 0, 0, 0), 'y yy yyyy'), date_format(DATE '0001-01-01', 'G y'), "
        "date_format(NULL, 'yyyy'), date_format(TIMESTAMP '2020-01-01 00:00:00', NULL)"))


BAD_PATTERNS = ["yyyy-MM-dd-b", "YYYY", "aa", "uuuu", "EEEEE", "yyyyyyyyyyy", "ddd", "{", "VVV", "w", "e", "A",
                "'unterminated", "QQQQQ", "c", "HHH"]


@pytest.mark.parametrize("pattern", BAD_PATTERNS)
def test_invalid_patterns(spark, request, pattern):
    golden.check_error(request, "format", lambda: spark.sql(
        f"SELECT date_format(TIMESTAMP '2024-01-05 13:04:05', '{pattern.replace(chr(39), chr(39) * 2)}')").collect())


@pytest.mark.parametrize("pattern", ["E yyyy-MM-dd", "yyyy-MM-dd q", "F", "yyyy-MM-dd-b"])
def test_invalid_parse_patterns(spark, request, pattern):
    golden.check_error(request, "parse", lambda: spark.sql(f"SELECT to_timestamp('2020-01-01', '{pattern}')").collect())


# --- parsing ----------------------------------------------------------------------

def test_parse_patterns(spark, request):
    golden.check(request, "df", spark.sql(
        "SELECT to_timestamp('20200102', 'yyyyMMdd'), to_timestamp('2020-01-02 03:04:05.12', 'yyyy-MM-dd HH:mm:ss.SSS'), "
        "to_timestamp('2020-01-02 03:04:05 +08:00', 'yyyy-MM-dd HH:mm:ss XXX'), "
        "to_timestamp('jan 5 2020 PM 3', 'MMM d yyyy a h'), to_timestamp('2020-01-02T03:04:05Z', \"yyyy-MM-dd'T'HH:mm:ssX\"), "
        "to_timestamp('12/31/99', 'MM/dd/yy'), to_timestamp('2020-366', 'yyyy-DDD'), to_timestamp('2020', 'yyyy'), "
        "to_timestamp('10:30', 'HH:mm'), to_timestamp('2020-01-02 03:04', 'yyyy-MM-dd[ HH:mm]'), "
        "to_timestamp('2020-01-02', 'yyyy-MM-dd[ HH:mm]'), to_timestamp('July 4 2021 America/New_York', 'MMMM d yyyy VV'), "
        "to_timestamp('2021-07-04 12:00 PST', 'yyyy-MM-dd HH:mm z'), to_timestamp('2021-07-04 12:00 +0530', 'yyyy-MM-dd HH:mm Z'), "
        "to_timestamp('2021-07-04 12:00 GMT+8', 'yyyy-MM-dd HH:mm O')"))


def test_parse_functions(spark, dates, request):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        _check_parse_functions(spark, request)
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")


def _check_parse_functions(spark, request):
    golden.check(request, "df", spark.sql(
        "SELECT id, to_date(s), to_date(s, 'yyyy-MM-dd HH:mm:ss'), try_to_timestamp(s), try_to_timestamp(s, 'yyyy-MM-dd'), "
        "to_timestamp_ltz(s), try_to_date(s, 'yyyy-MM-dd'), unix_timestamp(s), "
        "to_date(ts), to_timestamp(d), to_timestamp(d, 'yyyy'), to_timestamp_ntz(ts) FROM dt"))


PARSE_ERRORS = {
    "leap": "SELECT to_timestamp('2019-02-29', 'yyyy-MM-dd')",
    "short_month": "SELECT to_timestamp('2020-1-1', 'yyyy-MM-dd')",
    "trailing": "SELECT to_timestamp('2016-12-31 abc', 'yyyy-MM-dd')",
    "garbage": "SELECT to_timestamp('abc', 'yyyy-MM-dd')",
    "month_range": "SELECT to_timestamp('2020-13-01', 'yyyy-MM-dd')",
    "hour_range": "SELECT to_timestamp('2020-12-01 25:00', 'yyyy-MM-dd HH:mm')",
    "april_31": "SELECT to_date('2020-04-31', 'yyyy-MM-dd')",
    "to_date_trailing": "SELECT to_date('2020-01-02 03:04', 'yyyy-MM-dd')",
    "fraction_too_long": "SELECT to_timestamp('2020-01-02 03:04:05.1234567', 'yyyy-MM-dd HH:mm:ss.SSS')",
    "unix_timestamp": "SELECT unix_timestamp('bad')",
    "missing_field": "SELECT to_timestamp('2020', 'yyyy-MM')",
    "cast_form": "SELECT to_timestamp('not a timestamp')",
    "to_date_cast_form": "SELECT to_date('2020-13-45')",
    "adjacent_fraction": "SELECT to_timestamp('20210704123456789', 'yyyyMMddHHmmssSSS')",
    "long_year": "SELECT to_timestamp('20201-01-01', 'yyyy-MM-dd')",
}


@pytest.mark.parametrize("name", list(PARSE_ERRORS))
def test_parse_errors(spark, request, name):
    golden.check_error(request, "err", lambda: spark.sql(PARSE_ERRORS[name]).collect())


@pytest.mark.parametrize("name", list(PARSE_ERRORS))
def test_parse_errors_ansi_off(spark, request, name):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        golden.check(request, "df", spark.sql(PARSE_ERRORS[name]))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")


# --- errors and ANSI off ---------------------------------------------------------------

ERRORS = {
    "next_day_bad": "SELECT next_day(DATE '2020-01-01', 'xx')",
    "make_date_month": "SELECT make_date(2020, 13, 1)",
    "make_date_feb30": "SELECT make_date(2019, 2, 29)",
    "make_date_day": "SELECT make_date(2021, 4, 31)",
    "make_timestamp_fraction": "SELECT make_timestamp(2020, 1, 1, 1, 1, 60.5)",
    "make_timestamp_hour": "SELECT make_timestamp(2020, 1, 1, 24, 1, 1)",
    "make_timestamp_second": "SELECT make_timestamp(2020, 1, 1, 1, 1, 61)",
    "bad_zone": "SELECT from_utc_timestamp(TIMESTAMP '2020-01-01 00:00:00', 'Bad/Zone')",
    "bad_zone_convert": "SELECT convert_timezone('nowhere', 'UTC', TIMESTAMP_NTZ '2020-01-01 00:00:00')",
    "date_add_bigint": "SELECT date_add(DATE '2020-01-01', 1L)",
    "year_int": "SELECT year(1)",
    "hour_int": "SELECT hour(1)",
    "date_add_args": "SELECT date_add(DATE '2020-01-01')",
    "extract_bad_field": "SELECT extract(NOPE FROM DATE '2020-01-01')",
    "months_between_args": "SELECT months_between(DATE '2020-01-01')",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(spark, request, name):
    golden.check_error(request, "err", lambda: spark.sql(ERRORS[name]).collect())


def test_ansi_off(spark, request):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        golden.check(request, "df", spark.sql(
            "SELECT next_day(DATE '2020-01-01', 'xx'), make_date(2019, 2, 29), make_date(2020, 13, 1), "
            "make_timestamp(2020, 1, 1, 0, 0, 60.5), make_timestamp(2020, 1, 1, 25, 0, 0), "
            "to_timestamp('x', 'yyyy'), unix_timestamp('x'), to_date('x'), to_timestamp('x')"))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")


# --- time zones -------------------------------------------------------------------

def test_zone_conversions(spark, request):
    golden.check(request, "df", spark.sql(
        "SELECT from_utc_timestamp('2016-08-31', 'Asia/Seoul'), to_utc_timestamp('2016-08-31', 'Asia/Seoul'), "
        "from_utc_timestamp(TIMESTAMP '2021-03-14 10:30:00', 'America/Los_Angeles'), "
        "to_utc_timestamp(TIMESTAMP '2021-03-14 02:30:00', 'America/Los_Angeles'), "
        "to_utc_timestamp(TIMESTAMP '2021-11-07 01:30:00', 'America/Los_Angeles'), "
        "from_utc_timestamp(TIMESTAMP '2021-01-01 00:00:00', '+05:30'), from_utc_timestamp(TIMESTAMP '2021-01-01 00:00:00', 'GMT-3'), "
        "from_utc_timestamp(TIMESTAMP '2021-01-01 00:00:00', 'UTC+1:30'), from_utc_timestamp(TIMESTAMP '2021-01-01 00:00:00', 'PST'), "
        "from_utc_timestamp(TIMESTAMP '2099-07-01 00:00:00', 'Europe/Berlin'), "
        "from_utc_timestamp(TIMESTAMP '1900-07-01 00:00:00', 'Europe/Berlin'), "
        "convert_timezone('Europe/Brussels', 'America/Los_Angeles', TIMESTAMP_NTZ '2021-12-06 00:00:00'), "
        "convert_timezone('UTC', 'Asia/Kolkata', TIMESTAMP '2021-12-06 00:00:00'), current_timezone()"))


@pytest.fixture(scope="module")
def dst_rows(spark):
    T = _dt.datetime
    rows = [(T(2021, 3, 14, 9, 59, 59), "2021-03-14 01:59:59"), (T(2021, 3, 14, 10), "2021-03-14 02:30:00"),
            (T(2021, 3, 28, 0, 59, 59), "2021-03-28 02:30:00"), (T(2021, 3, 28, 1), "2021-03-28 03:00:00"),
            (T(2021, 11, 7, 8, 30), "2021-11-07 01:30:00"), (T(2021, 11, 7, 9, 30), "2021-10-31 02:30:00"),
            (T(1970, 1, 1), "1970-01-01 00:00:00"), (T(2090, 7, 1, 12), "2090-07-01 12:00:00")]
    df = spark.createDataFrame(rows, "ts TIMESTAMP, s STRING")
    df.createOrReplaceTempView("dst")
    return df


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "+08:00"])
def test_session_zone(spark, dst_rows, request, zone):
    spark.conf.set("spark.sql.session.timeZone", zone)
    try:
        golden.check(request, "df", spark.sql(
            "SELECT ts, hour(ts), date_format(ts, 'yyyy-MM-dd HH:mm:ss XXX z'), to_date(ts), date_trunc('DAY', ts), "
            "date_trunc('HOUR', ts), trunc(ts, 'MM'), unix_timestamp(s, 'yyyy-MM-dd HH:mm:ss'), "
            "to_timestamp(s, 'yyyy-MM-dd HH:mm:ss'), months_between(ts, TIMESTAMP '2021-01-01 00:00:00'), "
            "current_timezone(), to_timestamp_ntz(s, 'yyyy-MM-dd HH:mm:ss'), localtimestamp() IS NOT NULL, "
            "CAST(ts AS STRING), from_unixtime(unix_seconds(ts)) FROM dst"))
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")


# --- current time -----------------------------------------------------------------

def test_current_time(spark, request):
    df = spark.sql(
        "SELECT current_date(), current_date(), curdate(), current_timestamp(), now(), localtimestamp(), current_timezone(), "
        "unix_timestamp()")
    golden.check_schema(request, "schema", df.schema)
    row = df.collect()[0]
    golden.check_value(request, "consistent", [
        row[0] == row[1] == row[2], row[3].date() == row[0], abs((row[4] - row[3]).total_seconds()) < 5,
        row[6], abs(row[7] - row[3].timestamp()) < 5])


# --- DataFrame API ----------------------------------------------------------------

def test_dataframe_api(dates, request):
    golden.check(request, "df", dates.where("id <> 6").select(
        "id", F.year("d"), F.quarter("d"), F.month("d"), F.dayofmonth("d"), F.dayofweek("d"), F.dayofyear("d"),
        F.weekofyear("d"), F.hour("ts"), F.minute("ts"), F.second("ts"), F.date_add("d", 3), F.date_sub("d", 3),
        F.datediff("d", F.lit("2000-01-01")), F.add_months("d", 2), F.months_between("ts", "d"),
        F.months_between("ts", "d", False), F.last_day("d"), F.next_day("d", "Sun"), F.trunc("d", "MM"),
        F.date_trunc("hour", "ts"), F.date_format("ts", "dd.MM.yyyy HH:mm"), F.to_date("s"),
        F.to_date(F.lit("2020-05-06"), "yyyy-MM-dd"), F.unix_timestamp("ts"), F.from_unixtime(F.unix_timestamp("ts")),
        F.from_utc_timestamp("ts", "Asia/Tokyo"), F.to_utc_timestamp("ts", "Asia/Tokyo"), F.make_date(F.year("d"), F.lit(1), F.lit(1)),
        F.unix_date("d"), F.unix_seconds("ts"), F.timestamp_seconds(F.lit(0)), F.date_part(F.lit("DOY"), "d"),
        F.extract(F.lit("YEAR"), "d"), F.weekday("d"), F.dayname("d"), F.monthname("d")))


# --- interval literals and date/time arithmetic ------------------------------------------

INTERVALS = {
    "day_time": "SELECT INTERVAL 30 HOURS, INTERVAL 1.5 SECONDS, INTERVAL '-1 02:03:04.000005' DAY TO SECOND, "
                "INTERVAL -'5' MINUTE, INTERVAL 2 WEEKS 3 MILLISECONDS, INTERVAL '1 2' DAY TO HOUR, INTERVAL 1 DAY 2 HOURS, "
                "INTERVAL '10:20' HOUR TO MINUTE, INTERVAL '3' DAY",
    "date_plus": "SELECT DATE '2020-01-31' + INTERVAL 1 MONTH, DATE '2020-01-31' - INTERVAL 1 MONTH, "
                 "DATE '2020-01-31' + INTERVAL '1 2' DAY TO HOUR, DATE '2021-03-14' + INTERVAL 3 HOURS, "
                 "DATE '2020-01-31' + INTERVAL '1-2' YEAR TO MONTH, DATE '2024-02-29' + INTERVAL 1 YEAR",
    "timestamp_plus": "SELECT TIMESTAMP '2020-01-31 10:00:00' - INTERVAL 1 MONTH, TIMESTAMP '2020-01-31 10:00:00' - INTERVAL '2' DAY, "
                      "INTERVAL 1 HOUR + TIMESTAMP '2020-01-31 10:00:00', "
                      "TIMESTAMP_NTZ '2020-01-31 10:00:00' + INTERVAL 1 YEAR 2 MONTHS, "
                      "TIMESTAMP '2020-03-01 00:00:00' + INTERVAL '1 02:03:04.5' DAY TO SECOND",
    # Year-month intervals compare as their months (collected as booleans: the
    # PySpark client cannot collect a year-month interval itself).
    "year_month_compare": "SELECT i < INTERVAL 0 MONTHS AS lt, i = INTERVAL 12 MONTHS AS eq, i <=> INTERVAL '1-0' YEAR TO MONTH AS nse, "
                          "i >= INTERVAL 3 MONTHS AS ge, i <> INTERVAL 3 MONTHS AS ne FROM VALUES (INTERVAL 1 YEAR), "
                          "(INTERVAL '-1-1' YEAR TO MONTH), (INTERVAL 3 MONTHS), (CAST(NULL AS INTERVAL YEAR TO MONTH)) AS t(i)",
    "year_month_order": "SELECT CAST(i AS STRING) AS s FROM VALUES (INTERVAL 3 MONTHS), (INTERVAL -1 YEAR), (NULL), "
                        "(INTERVAL '2-1' YEAR TO MONTH) AS t(i) ORDER BY i DESC NULLS LAST",
    "year_month_greatest": "SELECT CAST(greatest(i, INTERVAL 0 MONTHS) AS STRING) AS g, "
                           "CAST(least(i, INTERVAL '1-1' YEAR TO MONTH, NULL) AS STRING) AS l "
                           "FROM VALUES (INTERVAL 3 MONTHS), (INTERVAL -1 YEAR), (NULL) AS t(i)",
    "day_time_order": "SELECT i FROM VALUES (INTERVAL '1 02:00:00' DAY TO SECOND), (INTERVAL '-3' HOUR), (NULL), "
                      "(INTERVAL 5 SECONDS) AS t(i) ORDER BY i",
    "differences": "SELECT DATE '2020-03-01' - DATE '2020-01-01', TIMESTAMP '2020-03-01 00:00:00' - TIMESTAMP '2020-01-01 01:00:00', "
                   "TIMESTAMP '2020-01-31 10:00:00' - DATE '2020-01-01'",
}


# sk8's day-time interval type keeps no fields: "interval day to second" where
# Spark says "interval hour" or "interval day" (the values and names agree).
INTERVAL_TYPE_FIELDS = pytest.mark.xfail(sk8_servers.target() == "sk8", strict=True,
                                         reason="day-time interval types carry no start/end fields")


@pytest.mark.parametrize("name", [pytest.param(n, marks=INTERVAL_TYPE_FIELDS) if n in ("day_time", "differences") else n
                                  for n in INTERVALS])
def test_intervals(spark, request, name):
    golden.check(request, "df", spark.sql(INTERVALS[name]), ordered=name.endswith("_order"))


def test_intervals_in_dst_zone(spark, request):
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    try:
        golden.check(request, "df", spark.sql(
            "SELECT TIMESTAMP '2021-03-13 12:00:00' + INTERVAL 1 DAY, TIMESTAMP '2021-03-13 12:00:00' + INTERVAL 24 HOURS, "
            "TIMESTAMP '2021-03-13 12:00:00' + INTERVAL 1 MONTH, DATE '2021-03-14' + INTERVAL 3 HOURS"))
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")


def test_interval_errors(spark, request):
    golden.check_error(request, "mixed", lambda: spark.sql("SELECT INTERVAL 1 YEAR 2 DAYS").collect())


DATETIME_CALLS = {
    "curdate": "SELECT curdate() = current_date(), typeof(curdate()), curdate() IS NULL",
    "dateadd": "SELECT dateadd(DATE '2020-01-31', 1), dateadd(DATE '2024-02-28', 1), dateadd('2020-03-01', -1), "
               "dateadd(TIMESTAMP '2020-01-01 23:59:59', 1), dateadd(DATE '2020-01-01', NULL), "
               "dateadd(DATE '2020-01-01', CAST(2 AS TINYINT)), dateadd(NULL, 1)",
    "dateadd_bad_string": "SELECT dateadd('not a date', 1)",
    "dateadd_bigint": "SELECT dateadd(DATE '2020-01-01', 2L)",
    "dateadd_overflow": "SELECT dateadd(DATE '2020-01-01', 2147483647)",
    "make_ym_interval": "SELECT CAST(make_ym_interval(1, 2) AS STRING), CAST(make_ym_interval(-1, 14) AS STRING), "
                        "CAST(make_ym_interval(0) AS STRING), CAST(make_ym_interval() AS STRING), "
                        "CAST(make_ym_interval(NULL, 1) AS STRING), typeof(make_ym_interval(1, 2)), "
                        "DATE '2020-01-31' + make_ym_interval(0, 1)",
    "make_ym_interval_overflow": "SELECT CAST(make_ym_interval(178956970, 8) AS STRING)",
    "make_ym_interval_string": "SELECT CAST(make_ym_interval('1', '2') AS STRING)",
    "current_time": "SELECT current_time()",
    "current_time_precision": "SELECT current_time(3)",
}

DATETIME_CALLS_ANSI_OFF = {"dateadd_bad_string", "make_ym_interval_overflow"}
DATETIME_CALLS_DIFFER = {
    "make_ym_interval_overflow": "sk8 answers ARITHMETIC_OVERFLOW (Spark: INTERVAL_ARITHMETIC_OVERFLOW)",
    "current_time": "sk8 runs the TIME type, which Spark 4.1 refuses by default (UNSUPPORTED_TIME_TYPE)",
    "current_time_precision": "sk8 refuses TIME precisions other than 6 by name (Spark: UNSUPPORTED_TIME_TYPE)",
}



@pytest.mark.parametrize("name", golden.known_differences(DATETIME_CALLS, DATETIME_CALLS_DIFFER))
def test_datetime_named_calls(spark, request, name):
    golden.check_sql(request, "sql", spark, DATETIME_CALLS[name])


@pytest.mark.parametrize("name", golden.known_differences(sorted(DATETIME_CALLS_ANSI_OFF), DATETIME_CALLS_DIFFER))
def test_datetime_named_calls_ansi_off(spark, request, name):
    golden.check_sql(request, "sql", spark, DATETIME_CALLS[name], conf={"spark.sql.ansi.enabled": "false"})
