//! Postman collections (v1, v2.0, v2.1) and environments: import and `{{var}}` substitution.
