//! The demo org held to Okta's OpenAPI spec: `scripts/conformance.sh` runs the binary this test
//! build made behind `prism proxy --errors` (Prism from npm, cached under target/) and fails on
//! any request or response violation.

use std::process::Command;

#[test]
fn demo_org_conforms_to_okta_openapi_spec() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(format!("{root}/scripts/conformance.sh"))
        .env("OKTASH_BIN", env!("CARGO_BIN_EXE_oktash"))
        .current_dir(root)
        .output()
        .expect("run scripts/conformance.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "conformance failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("violations: 0"), "{stdout}");
}
