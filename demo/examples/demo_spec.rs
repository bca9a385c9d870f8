//! Regenerates `data/okta/demo-spec.json` from Okta's OpenAPI spec:
//! `cargo run --release -p oktash-demo --example demo_spec` (from the workspace root). The demo
//! org embeds the result and loads it on the first request its hand-made handlers do not serve;
//! a test fails when it is stale.

use std::process::ExitCode;

const SPEC: &str = "data/okta/openapi/management-minimal.yaml";
const OUT: &str = "data/okta/demo-spec.json";

fn main() -> ExitCode {
    let yaml = match std::fs::read_to_string(SPEC) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {SPEC}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = match oktash_demo::spec_build::build_demo_spec(&yaml) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("{SPEC}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(OUT, &json) {
        eprintln!("cannot write {OUT}: {e}");
        return ExitCode::FAILURE;
    }
    println!("{OUT}: {} bytes", json.len());
    ExitCode::SUCCESS
}
