//! What `--help` lists, where the connection flags are read, and how input files are read:
//! regular files only, with a size cap.

use std::path::Path;
use std::time::Duration;

use crate::support::{Api, TOKEN, bare_command, text, workspace_file};
use predicates::prelude::*;

/// A hang guard: a command that waits on a FIFO or reads a device forever fails the test.
const HANG_GUARD: Duration = Duration::from_secs(30);

fn help(args: &[&str]) -> String {
    let output = bare_command().args(args).arg("--help").assert().success();
    text(&output.get_output().stdout)
}

#[test]
fn connection_flags_are_listed_only_by_the_commands_that_call_the_api() {
    for command in [
        &["connectors"][..],
        &["operations"],
        &["call"],
        &["pull"],
        &["check"],
        &["users", "create"],
        &["auths", "list"],
        &["auth-url"],
    ] {
        let help = help(command);
        for expected in [
            "--token <TOKEN>",
            "[env: TRAY_TOKEN]",
            "--region <REGION>",
            "[env: TRAY_REGION]",
            "--api-url <API_URL>",
            "[env: TRAY_API_URL]",
        ] {
            assert!(
                help.contains(expected),
                "{command:?} lacks {expected}:\n{help}"
            );
        }
    }
    let generate = help(&["generate"]);
    for absent in ["--token", "--region", "--api-url", "TRAY_"] {
        assert!(
            !generate.contains(absent),
            "generate lists {absent}:\n{generate}"
        );
    }
    // `serve` has a token of its own: the one its emulator requires, never TRAY_TOKEN.
    let serve = help(&["serve"]);
    assert!(serve.contains("--token <TOKEN>"), "{serve}");
    for absent in ["--region", "--api-url", "[env: TRAY_TOKEN]"] {
        assert!(!serve.contains(absent), "serve lists {absent}:\n{serve}");
    }
}

#[test]
fn flags_that_do_nothing_for_a_command_are_refused() {
    for flag in ["--token", "--region", "--api-url"] {
        bare_command()
            .arg("generate")
            .arg(workspace_file("schemas/twilio-output.json"))
            .args([flag, "x"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "unexpected argument '{flag}'"
            )));
    }
    bare_command()
        .args(["serve", "--api-url", "http://127.0.0.1:1"])
        .assert()
        .code(2);
}

#[test]
fn connection_flags_work_before_or_after_the_subcommand_and_win_over_the_environment() {
    let api = Api::start();
    let url = api.emulator.base_url();
    // After the subcommand.
    bare_command()
        .args(["connectors", "--api-url", &url, "--token", TOKEN])
        .assert()
        .success();
    // Before it, over a wrong TRAY_TOKEN.
    bare_command()
        .env("TRAY_TOKEN", "wrong")
        .args(["--api-url", &url, "--token", TOKEN, "connectors"])
        .assert()
        .success();
    // After it wins over before it.
    bare_command()
        .args([
            "--token",
            "wrong",
            "connectors",
            "--api-url",
            &url,
            "--token",
            TOKEN,
        ])
        .assert()
        .success();
    bare_command()
        .env("TRAY_TOKEN", TOKEN)
        .args(["connectors", "--api-url", &url, "--token", "wrong"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("401"));
    // The environment when no flag is given.
    bare_command()
        .env("TRAY_TOKEN", TOKEN)
        .env("TRAY_API_URL", &url)
        .args(["users", "create", "Ada", "ada-1"])
        .assert()
        .success();
}

/// A FIFO nobody writes to: opening it for reading would wait forever.
fn fifo(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("fifo.json");
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    path
}

/// A sparse file one byte over the 64 MiB cap (no disk space used).
fn oversized(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("big.json");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    path
}

#[test]
fn documents_must_be_regular_files_under_the_size_cap() {
    let dir = tempfile::tempdir().unwrap();
    for (path, why) in [
        (Path::new("/dev/zero").to_path_buf(), "not a regular file"),
        (fifo(dir.path()), "not a regular file"),
        (oversized(dir.path()), "larger than the 64 MiB limit"),
    ] {
        bare_command()
            .timeout(HANG_GUARD)
            .arg("generate")
            .arg(&path)
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with(format!(
                "error: cannot read {}: {why}",
                path.display()
            )));
    }
    // `check` reports such a file among the others and exits 3 (could not check).
    let api = Api::start();
    api.command()
        .timeout(HANG_GUARD)
        .arg("check")
        .arg(workspace_file("schemas/twilio-output.json"))
        .arg(dir.path().join("fifo.json"))
        .arg(dir.path().join("big.json"))
        .assert()
        .code(3)
        .stdout(predicate::str::contains("twilio-output 2.1"))
        .stdout(predicate::str::contains(
            "fifo.json: could not check: cannot read it: not a regular file",
        ))
        .stdout(predicate::str::contains(
            "big.json: could not check: cannot read it: larger than",
        ));
}

#[test]
fn call_input_files_must_be_regular_files_under_the_size_cap() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    for (path, why) in [
        (Path::new("/dev/zero").to_path_buf(), "not a regular file"),
        (fifo(dir.path()), "not a regular file"),
        (oversized(dir.path()), "larger than the 64 MiB limit"),
    ] {
        api.command()
            .timeout(HANG_GUARD)
            .args([
                "call",
                "twilio-output",
                "2.1",
                "send_sms",
                "--auth-id",
                crate::support::AUTH_ID,
            ])
            .arg("--input")
            .arg(format!("@{}", path.display()))
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with(format!(
                "error: cannot read --input file {}: {why}",
                path.display()
            )));
    }
    assert!(api.emulator.calls().is_empty());
}
