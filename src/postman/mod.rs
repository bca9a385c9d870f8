//! Postman collections (v1, v2.0, v2.1) and environments: import and `{{var}}` substitution.

/// An imported collection (placeholder until the importer lands).
#[derive(Debug, Clone)]
pub struct Collection;
