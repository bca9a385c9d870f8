//! Postman collections (v1, v2.0, v2.1) and environments: import and `{{var}}` substitution.
//!
//! - [`import_file`] / [`import_str`] tell a collection from an environment by content and load
//!   it whole or not at all ([`ImportError`] says why).
//! - [`find_request`] resolves what a person types after `run`; [`request_names`] feeds
//!   completion.
//! - [`prepare`] turns a [`RequestDef`] into a [`PreparedRequest`]: variables resolved, URL
//!   encoded, the collection's own auth removed (the caller adds the environment's).
//!
//! No HTTP happens here.

mod dynamic;
mod find;
mod import;
mod model;
mod prepare;

pub use find::{find_group, find_request, request_names, FindError};
pub use import::{import_file, import_str, ImportError, ImportErrorKind, MAX_FILE_BYTES};
pub use model::{
    AuthDef, BodyDef, Collection, Environment, FormPart, FormValue, Format, Imported, Node,
    RequestDef,
};
pub use prepare::{
    encode_url, prepare, MultipartPart, PartValue, PrepareError, PreparedBody, PreparedRequest,
};
