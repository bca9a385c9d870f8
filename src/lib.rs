//! oktash: a line-editing shell for the Okta management APIs.
//!
//! Flow: line → parse (`lang`) → evaluate (`eval`) → request (`http`) → store (`session`) →
//! render (`render`). `repl` drives it interactively; `demo` is the built-in demo org.

pub mod demo;
pub mod lang;
pub mod postman;
