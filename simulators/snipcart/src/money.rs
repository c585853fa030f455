//! Amounts as .NET `decimal` holds them: an integer and a scale, so `10.00` stays
//! `10.00`, `0` stays `0`, and sums of prices are exact (`608.71`, never
//! `608.7100000000001`). Written into JSON as the number it is, scale kept.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Largest scale kept (digits after the point); more is rounded half away from zero.
pub const MAX_SCALE: u32 = 10;

/// A decimal amount: `units / 10^scale`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Money {
    units: i128,
    scale: u32,
}

// |units| stays below this, so that aligning two scales cannot overflow.
const LIMIT: i128 = 10i128.pow(27);

impl Money {
    /// Zero, written `0`.
    pub const ZERO: Money = Money { units: 0, scale: 0 };

    /// `units / 10^scale`; `None` when out of range.
    pub fn new(units: i128, scale: u32) -> Option<Money> {
        (scale <= MAX_SCALE && units.abs() < LIMIT).then_some(Money { units, scale })
    }

    /// A whole number.
    pub fn from_int(n: i64) -> Money {
        Money {
            units: i128::from(n),
            scale: 0,
        }
    }

    /// Reads `12`, `-3.50`, `1e2`, `.5` (as .NET's invariant-culture decimal parse
    /// does, exponent included); `None` for anything else or out of range.
    pub fn parse(text: &str) -> Option<Money> {
        let text = text.trim();
        let (mantissa, exp) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (neg, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut units: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
            if units >= LIMIT * 10i128.pow(MAX_SCALE) {
                return None;
            }
        }
        let mut scale = i64::try_from(frac.len()).ok()? - i64::from(exp);
        if units == 0 {
            // `0e999999999`: zero whatever the exponent (and no loop over it).
            scale = scale.max(0);
        }
        while scale < 0 {
            units = units.checked_mul(10)?;
            scale += 1;
        }
        let mut m = Money {
            units: if neg { -units } else { units },
            scale: u32::try_from(scale).ok()?,
        };
        if m.scale > MAX_SCALE {
            m = m.round(MAX_SCALE);
        }
        (m.units.abs() < LIMIT).then_some(m)
    }

    /// A JSON number or numeric string; `None` for anything else. A JSON number is
    /// read from its shortest text (`10.0` arrives as the float 10 and reads `10`).
    pub fn from_json(v: &Value) -> Option<Money> {
        match v {
            // The text's scale is gone once serde_json holds a float (`10.00` and
            // `10.0` are the same `f64`, written `10.0`): read it in its shortest form.
            Value::Number(n) if n.is_f64() => Money::parse(&n.to_string()).map(Money::trimmed),
            Value::Number(n) => Money::parse(&n.to_string()),
            Value::String(s) => Money::parse(s),
            _ => None,
        }
    }

    /// Without trailing zeros after the point (`10.50` → `10.5`, `10.0` → `10`).
    pub fn trimmed(self) -> Money {
        let mut m = self;
        while m.scale > 0 && m.units % 10 == 0 {
            m.units /= 10;
            m.scale -= 1;
        }
        m
    }

    /// Rounded to `scale` digits, half away from zero (`Math.Round` with
    /// `MidpointRounding.AwayFromZero`); a smaller scale is kept as it is.
    pub fn round(self, scale: u32) -> Money {
        if self.scale <= scale {
            return self;
        }
        let shift = self.scale - scale;
        if shift > 38 {
            // |units| < 10^37: so many places down, it is 0 (and 10^shift would overflow).
            return Money { units: 0, scale };
        }
        let div = 10i128.pow(shift);
        let q = self.units / div;
        let r = self.units % div;
        let q = if r.abs() * 2 >= div {
            q + self.units.signum()
        } else {
            q
        };
        Money { units: q, scale }
    }

    fn aligned(self, other: Money) -> (i128, i128, u32) {
        let scale = self.scale.max(other.scale);
        (
            self.units * 10i128.pow(scale - self.scale),
            other.units * 10i128.pow(scale - other.scale),
            scale,
        )
    }

    /// `self + other`; `None` out of range.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        let (a, b, scale) = self.aligned(other);
        Money::new(a.checked_add(b)?, scale)
    }

    /// `self - other`; `None` out of range.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        let (a, b, scale) = self.aligned(other);
        Money::new(a.checked_sub(b)?, scale)
    }

    /// `self × n`; `None` out of range.
    pub fn checked_mul_int(self, n: i64) -> Option<Money> {
        Money::new(self.units.checked_mul(i128::from(n))?, self.scale)
    }

    /// `self × rate`, rounded to 2 places (a rate discount or tax).
    pub fn checked_mul(self, rate: Money) -> Option<Money> {
        let units = self.units.checked_mul(rate.units)?;
        let scale = self.scale + rate.scale;
        let exact = Money { units, scale };
        let r = exact.round(2.max(self.scale));
        Money::new(r.units, r.scale)
    }

    /// True below zero.
    pub fn is_negative(self) -> bool {
        self.units < 0
    }

    /// True at zero.
    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    /// The nearest `f64` (for sorting by value only).
    pub fn to_f64(self) -> f64 {
        self.units as f64 / 10f64.powi(self.scale as i32)
    }
}

impl PartialEq for Money {
    fn eq(&self, other: &Money) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Money {}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Money {
    fn cmp(&self, other: &Money) -> Ordering {
        let (a, b, _) = self.aligned(*other);
        a.cmp(&b)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.units < 0;
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if neg {
            f.write_str("-")?;
        }
        if scale == 0 {
            return f.write_str(&digits);
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{int}.{frac}")
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Written as the number it is, scale kept (`10.00`).
        let raw = serde_json::value::RawValue::from_string(self.to_string())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let v = Value::deserialize(d)?;
        Money::from_json(&v).ok_or_else(|| serde::de::Error::custom(format!("not an amount: {v}")))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    #[test]
    fn amounts_keep_their_scale_and_add_exactly() {
        let m = |s: &str| Money::parse(s).unwrap();
        assert_eq!(m("10.00").to_string(), "10.00");
        assert_eq!(Money::ZERO.to_string(), "0");
        assert_eq!(m("-0.5").to_string(), "-0.5");
        assert_eq!(m(".5").to_string(), "0.5");
        assert_eq!(m("1e2").to_string(), "100");
        assert_eq!(m("1.5E-1").to_string(), "0.15");
        let mut total = Money::ZERO;
        for _ in 0..29 {
            total = total.checked_add(m("20.99")).unwrap();
        }
        assert_eq!(total.to_string(), "608.71");
        assert_eq!(m("2.345").round(2).to_string(), "2.35");
        assert_eq!(m("-2.345").round(2).to_string(), "-2.35");
        assert_eq!(m("100").checked_mul(m("0.05")).unwrap().to_string(), "5.00");
        assert_eq!(m("10.00"), m("10"));
        assert!(m("9.99") < m("10"));
        for bad in [
            "",
            "-",
            ".",
            "1.2.3",
            "abc",
            "1e",
            "0x10",
            "1e999",
            "99999999999999999999999999999",
        ] {
            assert_eq!(Money::parse(bad), None, "{bad}");
        }
        #[derive(Serialize)]
        struct P {
            p: Money,
        }
        assert_eq!(
            serde_json::to_string(&P { p: m("10.00") }).unwrap(),
            r#"{"p":10.00}"#
        );
        assert_eq!(
            serde_json::from_value::<Money>(json!("20.99")).unwrap(),
            m("20.99")
        );
    }

    proptest! {
        /// Any decimal text reads at once, without a panic, within range or not at all.
        #[test]
        fn any_decimal_text_reads_or_is_refused(
            text in "[-+]?[0-9]{0,45}(\\.[0-9]{0,70})?([eE][-+]?[0-9]{1,10})?",
        ) {
            if let Some(m) = Money::parse(&text) {
                prop_assert!(m.units.abs() < LIMIT && m.scale <= MAX_SCALE, "{text}: {m:?}");
            }
        }

        /// Written and read back, an amount is itself; sums match integer arithmetic.
        #[test]
        fn amounts_round_trip_and_add_like_integers(a in -10i64.pow(12)..10i64.pow(12), b in -10i64.pow(12)..10i64.pow(12), sa in 0u32..5, sb in 0u32..5) {
            let x = Money::new(i128::from(a), sa).unwrap();
            let y = Money::new(i128::from(b), sb).unwrap();
            let back = Money::parse(&x.to_string()).unwrap();
            prop_assert_eq!(back.to_string(), x.to_string());
            let sum = x.checked_add(y).unwrap();
            prop_assert_eq!(sum.checked_sub(y).unwrap(), x);
            let text = serde_json::to_string(&x).unwrap();
            prop_assert_eq!(text, x.to_string());
        }
    }
}
