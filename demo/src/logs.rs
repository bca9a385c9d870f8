//! `/api/v1/logs`: the System Log. Polling queries (no `until`, ascending) always carry a `next`
//! link, even on an empty page; bounded queries end.

use serde_json::Value;

use super::clock::{now_ms, parse_iso};
use super::errors::ApiError;
use super::query::{lookup, Expr, Op};
use super::store::LogEvent;
use super::views::render_event;
use super::{paging, Answer, Ctx, Org, Reply};

const DAY: i64 = 86_400_000;

fn invalid(why: &str) -> ApiError {
    ApiError::new("E0000053", "").cause(why.to_string())
}

/// Cursors are `PUBLISHED_SEQ`: the position just after an event.
fn cursor(published: i64, seq: u64) -> String {
    format!("{published}_{seq}")
}

fn parse_cursor(s: &str) -> Option<(i64, u64)> {
    let (p, q) = s.split_once('_')?;
    Some((p.parse().ok()?, q.parse().ok()?))
}

fn filter_allows(attr: &str, op: Op) -> bool {
    attr != "published"
        && !(op == Op::Co
            && matches!(
                attr,
                "debugContext.debugData.url" | "debugContext.debugData.requestUri"
            ))
}

pub(super) fn list(org: &Org, ctx: &Ctx) -> Answer {
    let limit = match ctx.param("limit") {
        None | Some("") => 100,
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) => n.min(1000) as usize,
            Err(_) => return Err(invalid("limit must be between 0 and 1000")),
        },
    };
    let descending = match ctx.param("sortOrder") {
        None | Some("") | Some("ASCENDING") => false,
        Some("DESCENDING") => true,
        Some(_) => return Err(invalid("sortOrder must be ASCENDING or DESCENDING")),
    };
    let date = |name: &str| -> Result<Option<i64>, ApiError> {
        match ctx.param(name) {
            None | Some("") => Ok(None),
            Some(v) => parse_iso(v)
                .map(Some)
                .ok_or_else(|| invalid(&format!("{name} is not a valid ISO 8601 date"))),
        }
    };
    let (since, until) = (date("since")?, date("until")?);
    let after = match ctx.param("after") {
        None | Some("") => None,
        Some(a) => Some(parse_cursor(a).ok_or_else(|| invalid("after is not a valid cursor"))?),
    };
    if after.is_some() && since.is_some() {
        return Err(invalid("since and after cannot be used together"));
    }
    let now = now_ms();
    let polling = until.is_none() && !descending;
    let until_ms = until.unwrap_or(now + 1);
    // With a cursor, the cursor is the lower bound; otherwise `since` defaults to a week back.
    let since_ms = match (since, after) {
        (Some(s), _) => s,
        (None, Some(_)) => i64::MIN,
        (None, None) => until_ms - 7 * DAY,
    };
    if since.is_some() && since_ms < now - 180 * DAY {
        return Err(invalid("since must be within the last 180 days"));
    }
    if since_ms > until_ms {
        return Err(invalid("since must be before until"));
    }
    let expr = match ctx.param("filter").filter(|f| !f.is_empty()) {
        None => None,
        Some(f) => {
            let e = Expr::parse(f).ok_or_else(|| invalid("Invalid filter expression"))?;
            if !e.allowed(&filter_allows, true) {
                return Err(invalid("Invalid filter expression"));
            }
            Some(e)
        }
    };
    let keywords: Vec<String> = ctx
        .param("q")
        .unwrap_or("")
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|k| !k.is_empty())
        .map(str::to_lowercase)
        .collect();
    if keywords.len() > 10 || keywords.iter().any(|k| k.chars().count() > 40) {
        return Err(invalid(
            "q allows at most 10 keywords of at most 40 characters",
        ));
    }

    let store = org.read();
    let logs = &store.logs;
    let key = |e: &LogEvent| (e.published, e.seq);
    let keep = |e: &LogEvent, v: &Value| {
        expr.as_ref()
            .is_none_or(|x| x.matches(&|a| lookup(v, a), false))
            && (keywords.is_empty() || {
                let text = v.to_string().to_lowercase();
                keywords.iter().all(|k| text.contains(k.as_str()))
            })
            && e.published >= since_ms
            && e.published < until_ms
    };
    let kept = |e: &LogEvent| {
        let v = render_event(e);
        keep(e, &v).then(|| (v, key(e)))
    };
    let (page, more) = if descending {
        let end = match after {
            Some(c) => logs.partition_point(|e| key(e) < c),
            None => logs.partition_point(|e| e.published < until_ms),
        };
        let events = logs[..end].iter().rev();
        paging::take(
            events
                .take_while(|e| e.published >= since_ms)
                .filter_map(kept),
            limit,
        )
    } else {
        let start = match after {
            Some(c) => logs.partition_point(|e| key(e) <= c),
            None => logs.partition_point(|e| e.published < since_ms),
        };
        let events = logs[start..].iter();
        paging::take(
            events
                .take_while(|e| e.published < until_ms)
                .filter_map(kept),
            limit,
        )
    };
    let last = page.last().map(|(_, k)| *k);
    let next = if polling {
        // A poll never ends: with nothing new, the next link asks again from the same place.
        Some(match (last, after) {
            (Some((p, s)), _) => cursor(p, s),
            (None, Some((p, s))) => cursor(p, s),
            (None, None) => cursor(since_ms, 0),
        })
    } else if more {
        last.map(|(p, s)| cursor(p, s))
    } else {
        None
    };
    let body = Value::Array(page.into_iter().map(|(v, _)| v).collect());
    Ok(Reply::page(
        body,
        ctx.page_links_dropping(limit, next.as_deref(), &["since"]),
    ))
}
