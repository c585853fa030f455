//! The few PHP conversions the framework's checks depend on: `(int)` casts, loose
//! `==` against `'1.0'`, and PHP's notion of whitespace.

/// A number as PHP reads it: `Int` when it has neither `.` nor an exponent and fits,
/// `Float` otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PhpNumber {
    Int(i64),
    Float(f64),
}

pub(crate) fn is_php_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0B' | b'\x0C')
}

/// PHP's numeric-string prefix (`is_numeric_string` with errors allowed): the number
/// and the index where it ended, after any leading whitespace.
fn php_numeric_prefix(s: &[u8]) -> Option<(PhpNumber, usize)> {
    let start = s.iter().take_while(|&&b| is_php_space(b)).count();
    let mut i = start;
    if matches!(s.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_digits = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    i += int_digits;
    let mut is_float = false;
    if s.get(i) == Some(&b'.') {
        let frac = s[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if int_digits == 0 && frac == 0 {
            return None;
        }
        is_float = true;
        i += 1 + frac;
    } else if int_digits == 0 {
        return None;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_digits = s[j.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if exp_digits > 0 {
            is_float = true;
            i = j + exp_digits;
        }
    }
    let lexeme = std::str::from_utf8(&s[start..i]).ok()?;
    let number = match (is_float, lexeme.parse::<i64>()) {
        (false, Ok(n)) => PhpNumber::Int(n),
        _ => PhpNumber::Float(lexeme.parse::<f64>().ok()?),
    };
    Some((number, i))
}

/// PHP's `(int)$string`: the numeric prefix, floats truncated and capped to the
/// `i64` range, infinities and anything non-numeric 0.
pub(crate) fn php_int_cast(s: &[u8]) -> i64 {
    match php_numeric_prefix(s) {
        None => 0,
        Some((PhpNumber::Int(n), _)) => n,
        Some((PhpNumber::Float(f), _)) if !f.is_finite() => 0,
        // `as` truncates toward zero and saturates, as `zend_dval_to_lval_cap` does.
        Some((PhpNumber::Float(f), _)) => f as i64,
    }
}

/// `'1.0' == $version` under PHP 8 rules: equal when `$version` is a numeric string
/// (surrounding whitespace allowed) whose value is 1.
pub(crate) fn php_loosely_one(version: &[u8]) -> bool {
    match php_numeric_prefix(version) {
        Some((number, end)) if version[end..].iter().all(|&b| is_php_space(b)) => match number {
            PhpNumber::Int(n) => n == 1,
            PhpNumber::Float(f) => f == 1.0,
        },
        _ => false,
    }
}
