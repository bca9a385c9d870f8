//! Lifecycle operations (`POST …/lifecycle/{op}`) as one table: for each, its path segment, the
//! `_links` name a single user offers it under, the statuses it is allowed from, the statuses whose
//! links offer it, the refusal otherwise, and the System Log event it records. Users use all of
//! it; apps share the path names of `activate` and `deactivate` (an app is ACTIVE or INACTIVE,
//! and either call is allowed from both).

use super::errors::ApiError;
use super::store::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LifecycleOp {
    Activate,
    Reactivate,
    Suspend,
    Unsuspend,
    Unlock,
    ResetPassword,
    ExpirePassword,
    Deactivate,
    ExpirePasswordWithTempPassword,
    ResetFactors,
}

/// One row of the table.
pub(super) struct Rule {
    /// The last path segment: `/users/{id}/lifecycle/{path}`.
    pub path: &'static str,
    /// The `_links` name a single user offers it under, if any.
    pub link: Option<&'static str>,
    /// The statuses Okta performs it from.
    pub from: &'static [Status],
    /// The statuses whose `_links` offer it: Okta offers fewer than it allows (no `deactivate`
    /// on a STAGED user, no `resetPassword` on a SUSPENDED one).
    pub offered: &'static [Status],
    /// The error from any other status.
    pub refusal: fn() -> ApiError,
    /// The System Log event: its type and display message.
    pub event: (&'static str, &'static str),
    /// The two token owners must stay usable, or the demo org would lock itself out.
    pub spares_token_owners: bool,
}

use Status::*;

/// Every status but DEPROVISIONED.
const LIVE: &[Status] = &[
    Staged,
    Provisioned,
    Active,
    Recovery,
    PasswordExpired,
    LockedOut,
    Suspended,
];
const PASSWORD_SET: &[Status] = &[Active, LockedOut, PasswordExpired, Recovery];

impl LifecycleOp {
    /// In the order a user's `_links` list them.
    pub const ALL: [LifecycleOp; 10] = [
        LifecycleOp::Activate,
        LifecycleOp::Reactivate,
        LifecycleOp::Suspend,
        LifecycleOp::Unsuspend,
        LifecycleOp::Unlock,
        LifecycleOp::ResetPassword,
        LifecycleOp::ExpirePassword,
        LifecycleOp::Deactivate,
        LifecycleOp::ExpirePasswordWithTempPassword,
        LifecycleOp::ResetFactors,
    ];

    pub fn rule(self) -> Rule {
        let rule = |path, link, from, offered, refusal, event| Rule {
            path,
            link,
            from,
            offered,
            refusal,
            event,
            spares_token_owners: false,
        };
        match self {
            LifecycleOp::Activate => rule(
                "activate",
                Some("activate"),
                &[Staged, Deprovisioned],
                &[Staged, Deprovisioned],
                already_active,
                ("user.lifecycle.activate", "Activate Okta user"),
            ),
            LifecycleOp::Reactivate => rule(
                "reactivate",
                Some("reactivate"),
                &[Provisioned, Recovery],
                &[Provisioned],
                ApiError::wrong_status,
                ("user.lifecycle.reactivate", "Reactivate Okta user"),
            ),
            LifecycleOp::Suspend => Rule {
                spares_token_owners: true,
                ..rule(
                    "suspend",
                    Some("suspend"),
                    &[Active],
                    &[Active],
                    not_active,
                    ("user.lifecycle.suspend", "Suspend Okta user"),
                )
            },
            LifecycleOp::Unsuspend => rule(
                "unsuspend",
                Some("unsuspend"),
                &[Suspended],
                &[Suspended],
                not_suspended,
                ("user.lifecycle.unsuspend", "Unsuspend Okta user"),
            ),
            // Unlocking an ACTIVE user (blocked from unknown devices) is allowed but not offered.
            LifecycleOp::Unlock => rule(
                "unlock",
                Some("unlock"),
                &[LockedOut, Active],
                &[LockedOut],
                ApiError::wrong_status,
                ("user.account.unlock", "Unlock user account"),
            ),
            LifecycleOp::ResetPassword => rule(
                "reset_password",
                Some("resetPassword"),
                &[Active, LockedOut, PasswordExpired, Recovery, Suspended],
                PASSWORD_SET,
                ApiError::wrong_status,
                ("user.account.reset_password", "Reset password for user"),
            ),
            LifecycleOp::ExpirePassword => rule(
                "expire_password",
                Some("expirePassword"),
                PASSWORD_SET,
                PASSWORD_SET,
                ApiError::wrong_status,
                ("user.password.expire", "Expire user password"),
            ),
            LifecycleOp::Deactivate => Rule {
                spares_token_owners: true,
                ..rule(
                    "deactivate",
                    Some("deactivate"),
                    LIVE,
                    &[
                        Provisioned,
                        Active,
                        Recovery,
                        PasswordExpired,
                        LockedOut,
                        Suspended,
                    ],
                    ApiError::wrong_status,
                    ("user.lifecycle.deactivate", "Deactivate Okta user"),
                )
            },
            LifecycleOp::ExpirePasswordWithTempPassword => rule(
                "expire_password_with_temp_password",
                None,
                PASSWORD_SET,
                &[],
                ApiError::wrong_status,
                ("user.password.expire", "Expire user password"),
            ),
            LifecycleOp::ResetFactors => rule(
                "reset_factors",
                None,
                LIVE,
                &[],
                ApiError::wrong_status,
                ("user.mfa.factor.reset_all", "Reset all factors for user"),
            ),
        }
    }

    /// The operation a path segment names.
    pub fn from_path(segment: &str) -> Option<LifecycleOp> {
        LifecycleOp::ALL
            .into_iter()
            .find(|op| op.rule().path == segment)
    }

    pub fn path(self) -> &'static str {
        self.rule().path
    }

    /// Whether a user in `status` may undergo it; otherwise [`LifecycleOp::refusal`].
    pub fn allowed_from(self, status: Status) -> bool {
        self.rule().from.contains(&status)
    }

    pub fn refusal(self) -> ApiError {
        (self.rule().refusal)()
    }

    /// The `_links` a single user in `status` carries: (link name, path segment), in order.
    pub fn offered(status: Status) -> impl Iterator<Item = (&'static str, &'static str)> {
        LifecycleOp::ALL.into_iter().filter_map(move |op| {
            let rule = op.rule();
            let link = rule.link?;
            rule.offered.contains(&status).then_some((link, rule.path))
        })
    }
}

fn already_active() -> ApiError {
    ApiError::new("E0000016", "")
}

fn not_active() -> ApiError {
    let why = "Cannot suspend a user that is not active";
    ApiError::new("E0000001", why).cause(why)
}

fn not_suspended() -> ApiError {
    let why = "Cannot unsuspend a user that is not suspended";
    ApiError::new("E0000001", why).cause(why)
}

#[cfg(test)]
mod tests {
    use super::LifecycleOp::{self, *};
    use super::*;

    /// Every status: the live ones and DEPROVISIONED.
    fn statuses() -> impl Iterator<Item = Status> {
        LIVE.iter().copied().chain([Deprovisioned])
    }

    /// The allowed sources API-FACTS §6.6 states (from Okta's spec), status by status.
    fn okta_allows(op: LifecycleOp, s: Status) -> Option<bool> {
        Some(match op {
            Activate => matches!(s, Staged | Deprovisioned),
            Reactivate => matches!(s, Provisioned | Recovery),
            Deactivate => s != Deprovisioned,
            Suspend => s == Active,
            Unsuspend => s == Suspended,
            Unlock => matches!(s, LockedOut | Active),
            // API-FACTS names no sources for these: the table's own choice stands.
            ResetPassword | ExpirePassword | ExpirePasswordWithTempPassword | ResetFactors => {
                return None
            }
        })
    }

    #[test]
    fn each_status_allows_what_okta_allows() {
        for s in statuses() {
            for op in LifecycleOp::ALL {
                if let Some(okta) = okta_allows(op, s) {
                    assert_eq!(op.allowed_from(s), okta, "{op:?} from {}", s.as_str());
                }
            }
        }
    }

    #[test]
    fn links_offer_only_what_is_allowed() {
        for s in statuses() {
            for (link, path) in LifecycleOp::offered(s) {
                let op = LifecycleOp::from_path(path).expect(path);
                assert!(op.allowed_from(s), "{link} offered on {}", s.as_str());
            }
        }
        let links = |s| LifecycleOp::offered(s).map(|(l, _)| l).collect::<Vec<_>>();
        assert_eq!(
            links(Active),
            ["suspend", "resetPassword", "expirePassword", "deactivate"]
        );
        assert_eq!(links(Staged), ["activate"]);
        assert_eq!(links(Suspended), ["unsuspend", "deactivate"]);
    }

    #[test]
    fn paths_name_one_op_each() {
        for op in LifecycleOp::ALL {
            assert_eq!(LifecycleOp::from_path(op.path()), Some(op));
        }
        assert_eq!(LifecycleOp::from_path("explode"), None);
    }
}
