//! A user's library crate outside this workspace (`tests/standalone`) serialises an output and
//! deserialises an input, and `cargo build` accepts it: generated types go both ways by
//! default, and no cargo feature a dev-dependency could turn on changes that (issue 24).
//!
//! It builds offline, with this workspace's lock file (every version it needs is the
//! workspace's, so the registry cache already holds them), in a target directory of its own
//! under this one's, kept between runs.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn a_crate_outside_the_workspace_serialises_outputs_and_reads_inputs_in_cargo_build() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("standalone");
    let crate_dir = scratch.join("crate");
    copy_dir(&root.join("tests/standalone"), &crate_dir);
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock")).expect("the lock file");
    // The manifest's paths are relative to `tests/standalone`: point them at the workspace.
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).expect("manifest");
    let core = root.join("core").canonicalize().expect("core/");
    let manifest = manifest.replace("../../core", &core.display().to_string());
    std::fs::write(crate_dir.join("Cargo.toml"), manifest).expect("manifest");
    let lib = std::fs::read_to_string(crate_dir.join("src/lib.rs")).expect("lib.rs");
    let twilio = root
        .join("schemas/twilio-output.json")
        .canonicalize()
        .expect("twilio-output.json");
    let lib = lib.replace(
        "../../schemas/twilio-output.json",
        &twilio.display().to_string(),
    );
    std::fs::write(crate_dir.join("src/lib.rs"), lib).expect("lib.rs");

    let output = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo build of the standalone crate failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a scratch folder");
    for entry in std::fs::read_dir(from).expect("tests/standalone") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("a copy");
        }
    }
}
