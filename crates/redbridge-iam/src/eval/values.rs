//! Parsers for typed condition values: numbers, dates and IP addresses (v4 and v6, with CIDR).
//!
//! Written here rather than taken from `std::net` so the domain crate stays free of networking
//! modules; the formats are the ones IAM documents for `Numeric*`, `Date*` and `IpAddress`.

use std::cmp::Ordering;

/// A `Numeric*` value held exactly as decimal digits: `±0.digits × 10^exponent`.
///
/// Compared digit by digit, never through `f64`: two integers past 2^53 that a binary float
/// rounds to the same value stay different, and `0.1` equals `0.10`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    /// Whether the value is below zero (never set for zero).
    negative: bool,
    /// Significant digits without leading or trailing zeros; empty for zero.
    digits: Vec<u8>,
    /// Power of ten of the first significant digit, counted as `0.d1d2… × 10^exponent`.
    exponent: i64,
}

impl Decimal {
    /// Orders by magnitude, ignoring the sign.
    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => self.exponent.cmp(&other.exponent).then_with(|| self.digits.cmp(&other.digits)),
        }
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Exponents are clamped to this magnitude; inputs are far shorter, so no two values that differ
/// below it compare equal.
const EXPONENT_LIMIT: i64 = 1_000_000_000_000_000_000;

/// Parses a `Numeric*` value: an integer or a decimal, optionally signed, optionally with an
/// exponent (`1e3`), exactly. The accepted syntax is the one the evaluator has always taken:
/// what Rust reads as a finite `f64` from digits, signs, `.` and `e`.
pub(crate) fn parse_number(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) {
        return None;
    }
    if !t.parse::<f64>().ok().is_some_and(f64::is_finite) {
        return None;
    }
    let (negative, unsigned) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent_text) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !integer.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) || integer.len() + fraction.len() == 0 {
        return None;
    }
    let written_exponent = match exponent_text {
        None => 0,
        Some(e) => {
            let (sign, magnitude) = match e.as_bytes().first() {
                Some(b'-') => (-1, &e[1..]),
                Some(b'+') => (1, &e[1..]),
                _ => (1, e),
            };
            if magnitude.is_empty() || !magnitude.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let mut value: i64 = 0;
            for b in magnitude.bytes() {
                value = value.saturating_mul(10).saturating_add(i64::from(b - b'0')).min(EXPONENT_LIMIT);
            }
            sign * value
        }
    };
    let all: Vec<u8> = integer.bytes().chain(fraction.bytes()).map(|b| b - b'0').collect();
    let Some(first) = all.iter().position(|d| *d != 0) else {
        return Some(Decimal { negative: false, digits: Vec::new(), exponent: 0 });
    };
    let last = all.iter().rposition(|d| *d != 0).unwrap_or(first);
    let leading = i64::try_from(integer.len()).ok()? - i64::try_from(first).ok()?;
    let exponent = leading.saturating_add(written_exponent).clamp(-EXPONENT_LIMIT, EXPONENT_LIMIT);
    Some(Decimal { negative, digits: all[first..=last].to_vec(), exponent })
}

/// Parses a `Date*` value into milliseconds since the Unix epoch: ISO 8601 (`2020-01-01`,
/// `2020-01-01T00:00:00Z`, with optional fraction and offset) or epoch seconds.
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'.') && !t.contains("-") {
        let seconds: f64 = t.parse().ok()?;
        return Some((seconds * 1000.0) as i64);
    }
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().map(|s| s.saturating_mul(1000));
    }
    let bytes = t.as_bytes();
    let digits = |from: usize, n: usize| -> Option<i64> {
        let s = t.get(from..from + n)?;
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let year = digits(0, 4)?;
    if bytes.get(4) != Some(&b'-') {
        return None;
    }
    let month = digits(5, 2)?;
    if bytes.get(7) != Some(&b'-') {
        return None;
    }
    let day = digits(8, 2)?;
    // An impossible calendar date (`2024-02-31`, `2023-02-29`, month 13) is not a date.
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut hour, mut minute, mut second, mut millis, mut offset_minutes) = (0, 0, 0, 0i64, 0i64);
    let mut i = 10;
    if i < bytes.len() {
        if bytes[i] != b'T' && bytes[i] != b't' && bytes[i] != b' ' {
            return None;
        }
        hour = digits(i + 1, 2)?;
        if bytes.get(i + 3) != Some(&b':') {
            return None;
        }
        minute = digits(i + 4, 2)?;
        i += 6;
        if bytes.get(i) == Some(&b':') {
            second = digits(i + 1, 2)?;
            i += 3;
            if bytes.get(i) == Some(&b'.') {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                if end == start {
                    return None;
                }
                let frac = &t[start..end.min(start + 3)];
                millis = frac.parse::<i64>().ok()? * 10i64.pow(3 - frac.len() as u32);
                i = end;
            }
        }
        match bytes.get(i) {
            None => {}
            Some(b'Z' | b'z') if i + 1 == bytes.len() => {}
            Some(sign @ (b'+' | b'-')) => {
                let oh = digits(i + 1, 2)?;
                let om = match bytes.get(i + 3) {
                    Some(b':') => digits(i + 4, 2)?,
                    _ => digits(i + 3, 2)?,
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                offset_minutes = (oh * 60 + om) * if *sign == b'+' { 1 } else { -1 };
                let len = if bytes.get(i + 3) == Some(&b':') { 6 } else { 5 };
                if i + len != bytes.len() {
                    return None;
                }
            }
            _ => return None,
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// The number of days of `month` in `year` of the proleptic Gregorian calendar.
fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An IP network: address bits (IPv4 mapped into the low 32 bits), family and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Network {
    address: u128,
    v6: bool,
    prefix: u8,
}

impl Network {
    /// Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or an IPv6 CIDR.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let (address, prefix) = match t.split_once('/') {
            Some((a, p)) => {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 3 {
                    return None;
                }
                (a, Some(p.parse::<u8>().ok()?))
            }
            None => (t, None),
        };
        if let Some(v4) = parse_ipv4(address) {
            let prefix = prefix.unwrap_or(32);
            if prefix > 32 {
                return None;
            }
            return Some(Self { address: u128::from(v4), v6: false, prefix });
        }
        let v6 = parse_ipv6(address)?;
        let prefix = prefix.unwrap_or(128);
        if prefix > 128 {
            return None;
        }
        Some(Self { address: v6, v6: true, prefix })
    }

    /// Whether `ip` (a single address) lies in this network.
    pub(crate) fn contains(&self, ip: &Network) -> bool {
        if self.v6 != ip.v6 {
            return false;
        }
        let width = if self.v6 { 128 } else { 32 };
        let shift = width - u32::from(self.prefix);
        if shift >= 128 {
            return true;
        }
        (self.address >> shift) == (ip.address >> shift)
    }
}

fn parse_ipv4(text: &str) -> Option<u32> {
    let mut out: u32 = 0;
    let mut count = 0;
    for part in text.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = part.parse().ok()?;
        if n > 255 {
            return None;
        }
        out = (out << 8) | n;
        count += 1;
    }
    (count == 4).then_some(out)
}

fn parse_ipv6(text: &str) -> Option<u128> {
    if text.is_empty() || !text.contains(':') {
        return None;
    }
    let groups = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        let pieces: Vec<&str> = part.split(':').collect();
        for (i, piece) in pieces.iter().enumerate() {
            if i == pieces.len() - 1 && piece.contains('.') {
                let v4 = parse_ipv4(piece)?;
                out.push((v4 >> 16) as u16);
                out.push((v4 & 0xffff) as u16);
            } else {
                if piece.is_empty() || piece.len() > 4 || !piece.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u16::from_str_radix(piece, 16).ok()?);
            }
        }
        Some(out)
    };
    let all: Vec<u16> = match text.split_once("::") {
        Some((head, tail)) => {
            if tail.contains("::") {
                return None;
            }
            let head = groups(head)?;
            let tail = groups(tail)?;
            if head.len() + tail.len() > 7 {
                return None;
            }
            let mut all = head;
            all.resize(8 - tail.len(), 0);
            all.extend(tail);
            all
        }
        None => groups(text)?,
    };
    if all.len() != 8 {
        return None;
    }
    Some(all.iter().fold(0u128, |acc, g| (acc << 16) | u128::from(*g)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("1970-01-02T00:00:00Z"), Some(86_400_000));
        assert_eq!(parse_date("2020-01-01T01:00:00+01:00"), parse_date("2020-01-01T00:00:00Z"));
        assert_eq!(parse_date("86400"), Some(86_400_000));
        assert_eq!(parse_date("2020-01-01T00:00:00.5Z"), Some(1_577_836_800_500));
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date("2020-13-01"), None);
    }

    #[test]
    fn an_impossible_date_is_not_a_date() {
        for impossible in [
            "2024-02-31",
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-01-32",
            "2024-01-01T25:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T12:60:00Z",
            "2024-01-01T12:00:61Z",
            "2024-01-01T12:00:00+24:00",
            "2024-01-01T12:00:00+01:60",
        ] {
            assert_eq!(parse_date(impossible), None, "{impossible}");
        }
    }

    #[test]
    fn leap_days_and_every_accepted_format_stay_dates() {
        assert_eq!(parse_date("2024-02-29"), parse_date("2024-03-01").map(|d| d - 86_400_000));
        assert!(parse_date("2000-02-29").is_some());
        assert!(parse_date("2024-12-31T23:59:60Z").is_some());
        for accepted in [
            "2024-01-31",
            "2024-06-30T12:30Z",
            "2024-06-30T12:30:15",
            "2024-06-30t12:30:15z",
            "2024-06-30 12:30:15.123456+05:30",
            "2024-06-30T12:30:15-0800",
            "1717000000",
            "1717000000.25",
        ] {
            assert!(parse_date(accepted).is_some(), "{accepted}");
        }
    }

    #[test]
    fn integers_past_2_pow_53_compare_exactly() {
        let (low, high) = (parse_number("9007199254740992"), parse_number("9007199254740993"));
        assert!(low.is_some() && high.is_some());
        assert_ne!(low, high);
        assert!(low < high);
        assert!(parse_number("-9007199254740993") < parse_number("-9007199254740992"));
        assert!(parse_number("123456789012345678901234567890") < parse_number("123456789012345678901234567891"));
    }

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(parse_number("0.1"), parse_number("0.10"));
        assert_eq!(parse_number("0.1"), parse_number("1e-1"));
        assert_eq!(parse_number("+007.50"), parse_number("7.5"));
        assert!(parse_number("0.1") < parse_number("0.1000000000000000000001"));
        assert!(parse_number("-0.5") < parse_number("0"));
        assert!(parse_number("99.9") < parse_number("100"));
        assert!(parse_number("1e-400") > parse_number("0"));
    }

    #[test]
    fn the_number_syntax_accepted_before_is_still_accepted() {
        for accepted in ["10", "-1.5", "+3", ".5", "5.", "1e3", "1E+3", "2.5e-3", "0", "-0"] {
            assert!(parse_number(accepted).is_some(), "{accepted}");
        }
        for refused in ["", "ten", "inf", "NaN", "1e", "e1", ".", "--1", "1-2", "1e400", "1.2.3"] {
            assert_eq!(parse_number(refused), None, "{refused}");
        }
    }

    #[test]
    fn networks() {
        let net = Network::parse("203.0.113.0/24").unwrap_or_else(|| panic!("parse"));
        assert!(net.contains(&Network::parse("203.0.113.9").unwrap_or_else(|| panic!("parse"))));
        assert!(!net.contains(&Network::parse("203.0.114.9").unwrap_or_else(|| panic!("parse"))));
        let v6 = Network::parse("2001:db8::/32").unwrap_or_else(|| panic!("parse"));
        assert!(v6.contains(&Network::parse("2001:db8:1::7").unwrap_or_else(|| panic!("parse"))));
        assert!(!v6.contains(&Network::parse("2001:db9::7").unwrap_or_else(|| panic!("parse"))));
        assert!(Network::parse("0.0.0.0/0").is_some_and(|n| n.contains(&Network {
            address: 5,
            v6: false,
            prefix: 32
        })));
        assert_eq!(Network::parse("::ffff:1.2.3.4").map(|n| n.address & 0xffff_ffff), Some(0x0102_0304));
        assert!(Network::parse("1.2.3").is_none());
        assert!(Network::parse("1.2.3.4/33").is_none());
        assert!(Network::parse("1::2::3").is_none());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("10"), parse_number("1e1"));
        assert!(parse_number("-1.5") < parse_number("-1.25"));
        assert_eq!(parse_number("-0"), parse_number("0.000"));
        assert_eq!(parse_number("ten"), None);
        assert_eq!(parse_number("inf"), None);
    }
}
