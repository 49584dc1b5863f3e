# A time never reads as UTC by mistake: the zone follows it ("16.03.2026 16:40 (UTC+05)";
# T is the zone's abbreviation, "+05" for Asia/Almaty).
DATETIME_FORMAT = r"d.m.Y H:i (\U\T\CT)"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
