//! oktash: a line-editing shell for the Okta management APIs.
//!
//! Flow: line → parse (`lang`) → evaluate (`eval`) → request (`http`) → store (`session`) →
//! render (`render`). `repl` drives it interactively, where `play` presents a script step by
//! step; the demo org is the `oktash-demo` crate.

/// A line for a person on stderr, as `eprintln!` writes it, except that it never panics: when
/// stderr's reader has gone away (`oktash … 2> >(head -1)`), the line is dropped and the
/// command goes on, where `eprintln!` would panic.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod auth;
pub mod complete;
pub mod config;
pub mod eval;
pub mod highlight;
pub mod http;
pub mod interrupt;
pub mod lang;
pub mod oauth;
pub mod okta;
pub mod play;
pub mod postman;
pub mod render;
pub mod repl;
pub mod session;
pub mod spec;
pub mod startup;
pub mod urls;
