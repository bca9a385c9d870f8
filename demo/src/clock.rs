//! Timestamps as Okta writes them (`2013-06-24T16:39:18.000Z`), kept as epoch milliseconds.

use std::time::{SystemTime, UNIX_EPOCH};

/// How far a client's clock may be ahead of ours (a client assertion's or a DPoP proof's `iat`),
/// or a proof old.
pub const CLOCK_SKEW_SECS: i64 = 300;

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2013-06-24T16:39:18.000Z`
pub fn iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

/// Parses `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fff]]` and `Z` or `±HH:MM`.
pub fn parse_iso(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let mut ms = days_from_civil(y, mo, d) * 86_400_000;
    let mut i = 10;
    if i == b.len() {
        return Some(ms);
    }
    if !matches!(b[i], b'T' | b't' | b' ') {
        return None;
    }
    let (h, mi) = (num(11, 2)?, num(14, 2)?);
    if b.get(13) != Some(&b':') || h > 23 || mi > 59 {
        return None;
    }
    ms += h * 3_600_000 + mi * 60_000;
    i = 16;
    if b.get(i) == Some(&b':') {
        let sec = num(17, 2)?;
        if sec > 60 {
            return None;
        }
        ms += sec * 1000;
        i = 19;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            if end == start {
                return None;
            }
            let frac = std::str::from_utf8(&b[start..end.min(start + 3)]).ok()?;
            let scale = 10i64.pow(3 - frac.len() as u32);
            ms += frac.parse::<i64>().ok()? * scale;
            i = end;
        }
    }
    match b.get(i) {
        None | Some(b'Z') | Some(b'z') if b.len() <= i + 1 => Some(ms),
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
            let off = num(i + 1, 2)? * 3_600_000 + num(i + 4, 2)? * 60_000;
            Some(if *sign == b'+' { ms - off } else { ms + off })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for ms in [0, 1_371_991_158_000, 1_700_000_000_123, 951_782_400_000] {
            assert_eq!(parse_iso(&iso(ms)), Some(ms));
        }
        assert_eq!(iso(1_371_991_158_000), "2013-06-23T12:39:18.000Z");
        assert_eq!(
            parse_iso("2014-01-01"),
            parse_iso("2014-01-01T00:00:00.000Z")
        );
        assert_eq!(
            parse_iso("2014-01-01T01:00:00+01:00"),
            parse_iso("2014-01-01T00:00:00Z")
        );
        assert_eq!(parse_iso("nonsense"), None);
        assert_eq!(parse_iso("2014-13-01"), None);
    }
}
