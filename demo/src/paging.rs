//! Cursor paging for the list endpoints: a page is the first `limit` items after the one the
//! `after` cursor names, and its `next` link names the page's last item when more follow.

use serde_json::Value;

use super::errors::ApiError;
use super::{Answer, Ctx, Reply};

fn bad_cursor() -> ApiError {
    ApiError::validation("after", "The cursor is not valid")
}

/// What the `after` cursor names, as `find` looks it up; `None` without a cursor.
pub(super) fn after<T>(
    ctx: &Ctx,
    find: impl FnOnce(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match ctx.param("after") {
        None | Some("") => Ok(None),
        Some(a) => find(a).map(Some).ok_or_else(bad_cursor),
    }
}

/// Where a page of `items` starts: just past the item whose id is the cursor.
pub(super) fn start<T>(ctx: &Ctx, items: &[T], id: impl Fn(&T) -> &str) -> Result<usize, ApiError> {
    Ok(after(ctx, |a| items.iter().position(|x| id(x) == a))?.map_or(0, |i| i + 1))
}

/// The first `limit` items, and whether any follow them.
pub(super) fn take<T>(items: impl IntoIterator<Item = T>, limit: usize) -> (Vec<T>, bool) {
    let mut items = items.into_iter();
    let page: Vec<T> = items.by_ref().take(limit).collect();
    let more = items.next().is_some();
    (page, more)
}

/// A page's reply: its items rendered, with a `next` link after the last one when more follow.
pub(super) fn reply<T>(
    ctx: &Ctx,
    limit: usize,
    (page, more): (Vec<T>, bool),
    id: impl Fn(&T) -> String,
    render: impl Fn(&T) -> Value,
) -> Answer {
    let next = page.last().filter(|_| more).map(id);
    let body = Value::Array(page.iter().map(render).collect());
    Ok(Reply::page(body, ctx.page_links(limit, next.as_deref())))
}
