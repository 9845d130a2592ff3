"""The portal's one way of showing a moment, 2022-02-24 09:17:32, in every language the admin
offers (FORMAT_MODULE_PATH). Django's own zh_Hans formats (2022年2月24日 09:17) take
precedence over the DATETIME_FORMAT setting whenever a value is localised, as every
``{{ value }}`` and admin listing column is; a format module of the project's comes first."""

DATETIME_FORMAT = "Y-m-d H:i:s"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i:s"
MONTH_DAY_FORMAT = "m-d"
YEAR_MONTH_FORMAT = "Y-m"
