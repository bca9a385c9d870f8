//! What a path segment names: a user (by id, login, unambiguous shortname or `me`), a group or
//! an app, or Okta's not-found error for it. Every handler module finds through here, so none
//! needs another.

use super::errors::ApiError;
use super::store::Store;
use super::{Ctx, Principal};

pub(super) fn user_not_found(key: &str) -> ApiError {
    ApiError::not_found(key, "User")
}

/// The user a path names: an id, a login, an unambiguous shortname, or `me`.
pub(super) fn user(store: &Store, ctx: &Ctx, key: &str) -> Result<u32, ApiError> {
    if key == "me" {
        return Ok(match ctx.principal {
            Principal::Admin => store.admin,
            Principal::ReadOnly => store.readonly_admin,
        });
    }
    store.find_user(key).ok_or_else(|| user_not_found(key))
}

/// A live user by id only (membership and assignment paths take no login).
pub(super) fn user_by_id(store: &Store, id: &str) -> Result<u32, ApiError> {
    store
        .user_ids
        .get(id)
        .copied()
        .filter(|&p| store.user(p).is_some())
        .ok_or_else(|| user_not_found(id))
}

pub(super) fn group_not_found(id: &str) -> ApiError {
    ApiError::not_found(id, "UserGroup")
}

pub(super) fn group(store: &Store, id: &str) -> Result<u32, ApiError> {
    store.find_group(id).ok_or_else(|| group_not_found(id))
}

pub(super) fn app_not_found(id: &str) -> ApiError {
    ApiError::not_found(id, "AppInstance")
}

pub(super) fn app(store: &Store, id: &str) -> Result<u32, ApiError> {
    store.find_app(id).ok_or_else(|| app_not_found(id))
}
