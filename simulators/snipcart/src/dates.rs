//! Snipcart's timestamps: ISO 8601 in UTC as .NET writes a `DateTime` with the
//! round-trip format and trailing zeros trimmed: up to 7 fraction digits (100 ns
//! ticks), none when the fraction is zero (`2016-12-13T15:54:24.5595583Z`,
//! `2013-10-21T20:36:26.46Z`, `2016-05-25T21:21:27Z`).

use serde::{Deserialize, Deserializer, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// `at` as Snipcart writes it.
pub fn format(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    // Written digit by digit: this runs for every date of every product and order shown.
    fn put(buf: &mut Vec<u8>, n: u32, width: usize) {
        let start = buf.len();
        buf.resize(start + width, b'0');
        let mut n = n;
        for slot in buf[start..].iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    let mut buf = Vec::with_capacity(28);
    let year = at.year();
    if year < 0 {
        buf.push(b'-');
    }
    put(&mut buf, year.unsigned_abs(), 4);
    buf.push(b'-');
    put(&mut buf, u32::from(u8::from(at.month())), 2);
    buf.push(b'-');
    put(&mut buf, u32::from(at.day()), 2);
    buf.push(b'T');
    put(&mut buf, u32::from(at.hour()), 2);
    buf.push(b':');
    put(&mut buf, u32::from(at.minute()), 2);
    buf.push(b':');
    put(&mut buf, u32::from(at.second()), 2);
    let ticks = at.nanosecond() / 100;
    if ticks > 0 {
        buf.push(b'.');
        put(&mut buf, ticks, 7);
        while buf.last() == Some(&b'0') {
            buf.pop();
        }
    }
    buf.push(b'Z');
    // Only ASCII digits and separators were written.
    String::from_utf8(buf).unwrap_or_default()
}

/// An ISO 8601 / RFC 3339 instant, or a bare date (`2024-01-31`, midnight UTC), as
/// query parameters and bodies give them.
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at);
    }
    // No offset: UTC, as .NET reads a `DateTime` of kind Unspecified for a filter.
    if let Ok(at) = OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339) {
        return Some(at);
    }
    OffsetDateTime::parse(&format!("{text}T00:00:00Z"), &Rfc3339).ok()
}

/// Serde for a `OffsetDateTime` field written as Snipcart does.
pub mod dotnet {
    use super::*;

    /// Writes [`format`].
    pub fn serialize<S: Serializer>(at: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*at))
    }

    /// Reads [`parse`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom(format!("invalid date {text:?}")))
    }
}

/// Serde for an optional `OffsetDateTime`.
pub mod dotnet_opt {
    use super::*;

    /// Writes [`format`] or `null`.
    pub fn serialize<S: Serializer>(at: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_str(&format(*at)),
            None => s.serialize_none(),
        }
    }

    /// Reads [`parse`] or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| {
            parse(&t).ok_or_else(|| serde::de::Error::custom(format!("invalid date {t:?}")))
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn fractions_are_dotnet_ticks_with_trailing_zeros_trimmed() {
        assert_eq!(
            format(datetime!(2016-12-13 15:54:24.5595583 UTC)),
            "2016-12-13T15:54:24.5595583Z"
        );
        assert_eq!(
            format(datetime!(2013-10-21 20:36:26.46 UTC)),
            "2013-10-21T20:36:26.46Z"
        );
        assert_eq!(
            format(datetime!(2016-05-25 21:21:27 UTC)),
            "2016-05-25T21:21:27Z"
        );
        assert_eq!(
            format(datetime!(2016-05-25 23:21:27.000000099 +2)),
            "2016-05-25T21:21:27Z"
        );
        assert_eq!(
            parse("2016-11-01T16:20:44.377Z"),
            Some(datetime!(2016-11-01 16:20:44.377 UTC))
        );
        assert_eq!(parse("2024-01-31"), Some(datetime!(2024-01-31 0:00 UTC)));
        assert_eq!(
            parse("2024-01-31T10:00:00"),
            Some(datetime!(2024-01-31 10:00 UTC))
        );
        assert_eq!(parse("yesterday"), None);
    }

    proptest::proptest! {
        /// The digit-by-digit writer gives RFC 3339 with the fraction cut to 100 ns
        /// ticks and its trailing zeros trimmed.
        #[test]
        fn the_writer_is_rfc3339_with_trimmed_ticks(secs in 0i64..253_402_300_799, nanos in 0u32..1_000_000_000) {
            let at = OffsetDateTime::from_unix_timestamp(secs).unwrap()
                + time::Duration::nanoseconds(i64::from(nanos));
            let written = format(at);
            let truncated = at.replace_nanosecond(nanos / 100 * 100).unwrap();
            let reference = truncated.format(&Rfc3339).unwrap();
            let reference = match reference.split_once('.') {
                Some((whole, frac)) => {
                    let frac = frac.trim_end_matches('Z').trim_end_matches('0');
                    if frac.is_empty() { format!("{whole}Z") } else { format!("{whole}.{frac}Z") }
                }
                None => reference,
            };
            proptest::prop_assert_eq!(&written, &reference);
            proptest::prop_assert_eq!(parse(&written), Some(truncated));
        }
    }
}
