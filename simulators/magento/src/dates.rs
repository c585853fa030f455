//! Magento's date formats, and store-local dates from the simulator clock.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// `YYYY-MM-DD HH:MM:SS` in UTC, the format of every `created_at` / `updated_at`.
pub fn db_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let year = at.year();
    if !(0..=9999).contains(&year) {
        return format!(
            "{year:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        );
    }
    // Every product save stamps two of these: digits by hand, not through `format!`.
    let mut out = String::with_capacity(19);
    let mut two = |n: u8, sep: Option<char>| {
        out.push(char::from(b'0' + n / 10));
        out.push(char::from(b'0' + n % 10));
        if let Some(c) = sep {
            out.push(c);
        }
    };
    let year = year.unsigned_abs();
    two((year / 100) as u8, None);
    two((year % 100) as u8, Some('-'));
    two(u8::from(at.month()), Some('-'));
    two(at.day(), Some(' '));
    two(at.hour(), Some(':'));
    two(at.minute(), Some(':'));
    two(at.second(), None);
    out
}

/// Midnight of the store-local day of `at`, formatted like [`db_time`]
/// (`special_from_date` is `"2025-07-21 00:00:00"`).
pub fn local_midnight(at: OffsetDateTime, timezone: &str) -> String {
    let local = at.to_offset(offset_for(timezone, at));
    format!(
        "{:04}-{:02}-{:02} 00:00:00",
        local.year(),
        u8::from(local.month()),
        local.day()
    )
}

/// Parses `YYYY-MM-DD HH:MM:SS` (or a bare `YYYY-MM-DD`) as UTC.
pub fn parse_db_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    let (date, time) = text.split_once(' ').unwrap_or((text, "00:00:00"));
    let mut d = date.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<u8>().ok());
    let (h, mi, s) = (
        t.next()??,
        t.next()?.unwrap_or(0),
        t.next().flatten().unwrap_or(0),
    );
    let date = Date::from_calendar_date(
        y,
        Month::try_from(u8::try_from(m).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let time = Time::from_hms(h, mi, s).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// UTC offset of an IANA zone at `at`. The zones a Magento store is usually set to are
/// known with their daylight-saving rules (US and EU); anything else counts as UTC,
/// a documented simplification (COVERAGE.md).
pub fn offset_for(timezone: &str, at: OffsetDateTime) -> UtcOffset {
    let (standard, dst_rule) = match timezone {
        "America/Los_Angeles" => (-8, Rule::Us),
        "America/Denver" => (-7, Rule::Us),
        "America/Phoenix" => (-7, Rule::None),
        "America/Chicago" => (-6, Rule::Us),
        "America/New_York" => (-5, Rule::Us),
        "Europe/London" | "Europe/Lisbon" | "Europe/Dublin" => (0, Rule::Eu),
        "Europe/Paris" | "Europe/Berlin" | "Europe/Madrid" | "Europe/Rome" | "Europe/Amsterdam"
        | "Europe/Brussels" | "Europe/Warsaw" | "Europe/Vienna" | "Europe/Stockholm"
        | "Europe/Prague" => (1, Rule::Eu),
        "Europe/Kiev" | "Europe/Kyiv" | "Europe/Athens" | "Europe/Helsinki" => (2, Rule::Eu),
        _ => (0, Rule::None),
    };
    let dst = match dst_rule {
        Rule::None => false,
        Rule::Us => {
            // Second Sunday of March 02:00 local standard → first Sunday of November
            // 02:00 local daylight time.
            let start =
                nth_sunday(at.year(), Month::March, 2) + time::Duration::hours(2 - standard);
            let end =
                nth_sunday(at.year(), Month::November, 1) + time::Duration::hours(1 - standard);
            at >= start && at < end
        }
        Rule::Eu => {
            // Last Sunday of March 01:00 UTC → last Sunday of October 01:00 UTC.
            let start = last_sunday(at.year(), Month::March) + time::Duration::hours(1);
            let end = last_sunday(at.year(), Month::October) + time::Duration::hours(1);
            at >= start && at < end
        }
    };
    let hours = standard + i64::from(dst);
    UtcOffset::from_hms(i8::try_from(hours).unwrap_or(0), 0, 0).unwrap_or(UtcOffset::UTC)
}

#[derive(Clone, Copy)]
enum Rule {
    None,
    Us,
    Eu,
}

fn nth_sunday(year: i32, month: Month, n: u8) -> OffsetDateTime {
    let first = Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN);
    let offset = (7 - first.weekday().number_days_from_sunday()) % 7;
    let day = first + time::Duration::days(i64::from(offset) + 7 * i64::from(n - 1));
    day.midnight().assume_utc()
}

fn last_sunday(year: i32, month: Month) -> OffsetDateTime {
    let next = if month == Month::December {
        Date::from_calendar_date(year + 1, Month::January, 1)
    } else {
        Date::from_calendar_date(year, month.next(), 1)
    }
    .unwrap_or(Date::MIN);
    let mut d = next - time::Duration::days(1);
    while d.weekday() != Weekday::Sunday {
        d -= time::Duration::days(1);
    }
    d.midnight().assume_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn db_time_by_hand_is_the_formatted_time() {
        for at in [
            datetime!(0000-01-01 00:00:00 UTC),
            datetime!(0999-12-31 23:59:59 UTC),
            datetime!(2025-07-09 05:04:03 UTC),
            datetime!(2025-07-21 20:49:12 +02:00),
            datetime!(9999-12-31 23:59:59 UTC),
        ] {
            let utc = at.to_offset(UtcOffset::UTC);
            let formatted = format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                utc.year(),
                u8::from(utc.month()),
                utc.day(),
                utc.hour(),
                utc.minute(),
                utc.second()
            );
            assert_eq!(db_time(at), formatted);
        }
    }

    #[test]
    fn db_time_is_magento_format() {
        assert_eq!(
            db_time(datetime!(2025-07-21 20:49:12 UTC)),
            "2025-07-21 20:49:12"
        );
        assert_eq!(
            parse_db_time("2025-07-21 13:49:09"),
            Some(datetime!(2025-07-21 13:49:09 UTC))
        );
        assert_eq!(parse_db_time("garbage"), None);
    }

    #[test]
    fn store_local_day_follows_dst() {
        // The seed: 20:49 UTC in July is 13:49 in Los Angeles, same day.
        assert_eq!(
            local_midnight(datetime!(2025-07-21 20:49:11 UTC), "America/Los_Angeles"),
            "2025-07-21 00:00:00"
        );
        // 03:00 UTC is the previous evening in Los Angeles.
        assert_eq!(
            local_midnight(datetime!(2025-07-22 03:00:00 UTC), "America/Los_Angeles"),
            "2025-07-21 00:00:00"
        );
        assert_eq!(
            offset_for("America/Los_Angeles", datetime!(2025-01-10 12:00 UTC)).whole_hours(),
            -8
        );
        assert_eq!(
            offset_for("America/Los_Angeles", datetime!(2025-07-10 12:00 UTC)).whole_hours(),
            -7
        );
        assert_eq!(
            offset_for("Europe/Paris", datetime!(2025-07-10 12:00 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            offset_for("Mars/Olympus", datetime!(2025-07-10 12:00 UTC)).whole_hours(),
            0
        );
    }
}
