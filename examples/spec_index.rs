//! Regenerates `data/okta/spec-index.json` from Okta's OpenAPI spec:
//! `cargo run --release --example spec_index`. The shell embeds the result; a test fails when it
//! is stale.

use std::process::ExitCode;

const SPEC: &str = "data/okta/openapi/management-minimal.yaml";
const INDEX: &str = "data/okta/spec-index.json";

fn main() -> ExitCode {
    let yaml = match std::fs::read_to_string(SPEC) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {SPEC}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let index = match oktash::spec::build_index(&yaml) {
        Ok(index) => index,
        Err(e) => {
            eprintln!("{SPEC}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = oktash::spec::to_json(&index);
    if let Err(e) = std::fs::write(INDEX, json) {
        eprintln!("cannot write {INDEX}: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "{INDEX}: {} operations, {} schemas (spec {})",
        index.operations.len(),
        index.schemas.len(),
        index.version
    );
    ExitCode::SUCCESS
}
