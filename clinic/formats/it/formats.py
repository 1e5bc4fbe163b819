"""Italian dates as Italian writes them: the day without a leading zero ("1 dicembre 2026", "martedì 1 dicembre
2026, 09:30"), the first of a month as "1° dicembre 2026" (FIRST_DAY_DATE_FORMAT, our own name, read by
education.templating.long_date); the month and weekday names come lower case from our catalogue. Anything not set
here is Django's."""
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "l j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_DATE_FORMAT = "j° F Y"
