//! oktash: a line-editing shell for the Okta management APIs.
//!
//! Flow: line → parse (`lang`) → evaluate (`eval`) → request (`http`) → store (`session`) →
//! render (`render`). `repl` drives it interactively, where `play` presents a script step by
//! step; the demo org is the `oktash-demo` crate.

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
