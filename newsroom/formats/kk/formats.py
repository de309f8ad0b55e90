# Django ships no Kazakh formats. Kazakh writes the year first, then the day and
# the month in lower case: "2025 жылғы 30 қыркүйек" (month names: locale/kk, "alt. month").
DATE_FORMAT = r"Y \ж\ы\л\ғ\ы j E"
DATETIME_FORMAT = r"Y \ж\ы\л\ғ\ы j E, H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = r"Y \ж\ы\л\ғ\ы F"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
