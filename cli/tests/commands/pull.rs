//! `tray-connect pull` never leaves a broken document behind: writes are atomic, unusable
//! answers are refused unless `--force`, and it says what changed.

use std::path::Path;

use crate::support::{Api, TOKEN, fixture, text, workspace_file};
use predicates::prelude::*;
use serde_json::{Value, json};

fn twilio_bytes() -> Vec<u8> {
    std::fs::read(workspace_file("schemas/twilio-output.json")).unwrap()
}

/// An emulator serving one connector `odd 1.0` with these elements.
fn serving_odd(dir: &Path, elements: Value) -> Api {
    let path = dir.join("served-odd.json");
    let document = json!({"connector": {"name": "odd", "version": "1.0"}, "elements": elements});
    std::fs::write(&path, serde_json::to_vec(&document).unwrap()).unwrap();
    Api::with_documents(&[path])
}

#[test]
fn an_answer_with_no_operations_is_refused_unless_forced() {
    let served = tempfile::tempdir().unwrap();
    let api = serving_odd(served.path(), json!([]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("odd.json");
    std::fs::write(&file, b"the good document").unwrap();
    api.command()
        .args(["pull", "odd", "1.0", "-o"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the API's answer for odd 1.0 is not a usable operations document (it has no operations)",
        ))
        .stderr(predicate::str::contains("pass --force"));
    assert_eq!(std::fs::read(&file).unwrap(), b"the good document");

    api.command()
        .args(["pull", "odd", "1.0", "--force", "-o"])
        .arg(&file)
        .assert()
        .success();
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written["elements"], json!([]));
}

#[test]
fn an_answer_whose_schemas_are_not_objects_is_refused() {
    let served = tempfile::tempdir().unwrap();
    let api = serving_odd(
        served.path(),
        json!([
            {"name": "fine", "inputSchema": {"type": "object"}},
            {"name": "broken", "inputSchema": {"type": "object"}, "outputSchema": "oops"}
        ]),
    );
    let dir = tempfile::tempdir().unwrap();
    api.command()
        .current_dir(dir.path())
        .args(["pull", "odd", "1.0"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the outputSchema of operation `broken` is not a JSON object",
        ));
    assert!(!dir.path().join("schemas/odd.json").exists());
}

#[test]
fn a_write_that_fails_midway_leaves_the_previous_document_and_no_temporary_file() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twilio.json");
    let previous = std::fs::read(fixture("echo-1.2.json")).unwrap();
    std::fs::write(&file, &previous).unwrap();
    // A file-size limit of one block, far below the 20 kB document: the write fails with
    // EFBIG part way (SIGXFSZ ignored, as a shell's `trap` passes on through exec).
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 1 && exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_tray-connect"))
        .arg("--api-url")
        .arg(api.emulator.base_url())
        .args(["--token", TOKEN, "pull", "twilio-output", "2.1", "-o"])
        .arg(&file)
        .env_remove("TRAY_TOKEN")
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: cannot write "), "{stderr}");
    assert_eq!(std::fs::read(&file).unwrap(), previous);
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["twilio.json"]);

    // Without the limit the same pull replaces it.
    api.command()
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(std::fs::read(&file).unwrap(), twilio_bytes());
}

#[test]
fn pull_says_what_changed_and_leaves_an_unchanged_document_untouched() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twilio.json");
    let mut older: Value = serde_json::from_slice(&twilio_bytes()).unwrap();
    older["elements"][0]["inputSchema"]["required"] = json!(["to", "body"]);
    older["elements"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "old_operation", "inputSchema": {}}));
    std::fs::write(&file, serde_json::to_vec_pretty(&older).unwrap()).unwrap();

    let output = api
        .command()
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&file)
        .assert()
        .success();
    let stderr = text(&output.get_output().stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with("wrote ")
            && lines[0]
                .ends_with("(twilio-output 2.1, 3 operations): 2 change(s), 2 of them breaking"),
        "{stderr}"
    );
    assert!(
        lines.contains(&"  - breaking: operation `old_operation` removed"),
        "{stderr}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("  - breaking: send_sms: input `from` is now required: `.build()`")),
        "{stderr}"
    );

    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    api.command()
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::starts_with("unchanged "));
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );

    let other = dir.path().join("new.json");
    api.command()
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&other)
        .assert()
        .success()
        .stderr(predicate::str::ends_with(": new file\n"));
}

#[cfg(unix)]
#[test]
fn a_replaced_document_keeps_its_permissions_and_a_new_one_gets_the_usual_ones() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twilio.json");
    std::fs::write(&file, b"{}").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    api.command()
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(mode(&file), 0o640);

    // A new document gets what any new file gets under this umask, not a temporary file's 0600.
    let sibling = dir.path().join("plain.txt");
    std::fs::write(&sibling, b"").unwrap();
    let new = dir.path().join("new.json");
    api.command()
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&new)
        .assert()
        .success();
    assert_eq!(mode(&new), mode(&sibling));
}

#[test]
fn only_regular_files_are_replaced() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    api.command()
        .timeout(std::time::Duration::from_secs(30))
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&fifo)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not a regular file"));
    assert!(!std::fs::metadata(&fifo).unwrap().is_file());
}

/// Every file and symbolic link under `root`, with what it holds or points to.
#[cfg(unix)]
fn tree(root: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
            let what = if kind.is_symlink() {
                format!("-> {}", std::fs::read_link(&path).unwrap().display())
            } else if kind.is_dir() {
                folders.push(path.clone());
                "folder".to_owned()
            } else {
                text(&std::fs::read(&path).unwrap())
            };
            found.push((path, what));
        }
    }
    found.sort();
    found
}

/// The red team's layout: `repo/schemas/{file} -> ../../victim/authorized_keys`.
#[cfg(unix)]
fn planted(file: &str) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(
        victim.join("authorized_keys"),
        b"ssh-ed25519 AAAA victim@host\n",
    )
    .unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("schemas")).unwrap();
    let link = repo.join("schemas").join(file);
    std::os::unix::fs::symlink("../../victim/authorized_keys", &link).unwrap();
    (dir, repo, link)
}

#[cfg(unix)]
#[test]
fn a_planted_symlink_is_refused_and_what_it_points_to_is_left_untouched_even_with_force() {
    let api = Api::start();
    let (dir, repo, _link) = planted("twilio-output.json");
    let before = tree(dir.path());
    for extra in [
        &[][..],
        &["--force"][..],
        &["-o", "schemas/twilio-output.json"][..],
    ] {
        let output = api
            .command()
            .current_dir(&repo)
            .args(["pull", "twilio-output", "2.1"])
            .args(extra)
            .assert()
            .code(1)
            .stdout("");
        let stderr = text(&output.get_output().stderr);
        assert_eq!(
            stderr,
            "error: schemas/twilio-output.json is a symbolic link; pull never writes through a \
             link (it would replace whatever the link points to): remove the link, or give -o a \
             path without links\n",
            "{extra:?}"
        );
        // The victim, the link and everything else: as they were, no temporary file left.
        assert_eq!(tree(dir.path()), before, "{extra:?}");
    }
    // Also when the link is named by an absolute path inside the current directory, and when
    // it points to nothing yet.
    let dangling = repo.join("schemas/dangling.json");
    std::os::unix::fs::symlink("../../victim/new_key", &dangling).unwrap();
    let before = tree(dir.path());
    for target in [repo.join("schemas/twilio-output.json"), dangling] {
        api.command()
            .current_dir(&repo)
            .args(["pull", "twilio-output", "2.1", "--force", "-o"])
            .arg(&target)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "{} is a symbolic link;",
                target.display()
            )));
        assert_eq!(tree(dir.path()), before);
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_folder_on_the_way_to_the_document_is_refused() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("twilio-output.json"), b"not yours").unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::os::unix::fs::symlink("../victim", repo.join("schemas")).unwrap();
    let before = tree(dir.path());
    for extra in [&[][..], &["--force"][..]] {
        api.command()
            .current_dir(&repo)
            .args(["pull", "twilio-output", "2.1"])
            .args(extra)
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with(
                "error: schemas is a symbolic link (a folder of schemas/twilio-output.json); \
                 pull never writes through a link",
            ));
        assert_eq!(tree(dir.path()), before);
    }
}

#[cfg(unix)]
#[test]
fn a_document_replaced_next_to_a_symlink_replaces_the_file_not_the_link() {
    // A link elsewhere in the folder is none of pull's business: the document itself is a
    // regular file, replaced by a rename, and the link and its target are left alone.
    let api = Api::start();
    let (dir, repo, link) = planted("other.json");
    std::fs::write(repo.join("schemas/twilio-output.json"), b"{}").unwrap();
    api.command()
        .current_dir(&repo)
        .args(["pull", "twilio-output", "2.1"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(repo.join("schemas/twilio-output.json")).unwrap(),
        twilio_bytes()
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("../../victim/authorized_keys")
    );
    assert_eq!(
        std::fs::read(dir.path().join("victim/authorized_keys")).unwrap(),
        b"ssh-ed25519 AAAA victim@host\n"
    );
}

#[test]
fn a_connector_name_with_path_separators_cannot_write_outside_the_folder() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("a/b/repo");
    std::fs::create_dir_all(&repo).unwrap();
    let outside = dir.path().join("outside.json");
    let absolute = format!("{}", dir.path().join("outside").display());
    for target in [
        vec!["../../../outside", "2.1"],
        vec!["../../../outside@2.1"],
        vec!["twilio-output@2.1", "../../../outside@2.1"],
        vec!["..", "2.1"],
        vec!["schemas/../../outside", "2.1"],
        vec!["..\\..\\outside", "2.1"],
        vec![absolute.as_str(), "2.1"],
        vec![".hidden", "2.1"],
        vec!["C:outside", "2.1"],
    ] {
        api.command()
            .current_dir(&repo)
            .arg("pull")
            .args(&target)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "cannot be a file name under schemas/",
            ))
            .stderr(predicate::str::contains("pass -o FILE"));
        assert!(!outside.exists(), "{target:?}");
        // Nothing was written anywhere, not even the schemas folder.
        assert_eq!(std::fs::read_dir(&repo).unwrap().count(), 0, "{target:?}");
    }
}

#[test]
fn changes_are_listed_against_a_previous_document_without_header() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twilio.json");
    let mut raw: Value = serde_json::from_slice(&twilio_bytes()).unwrap();
    raw.as_object_mut().unwrap().remove("connector");
    raw["elements"].as_array_mut().unwrap().truncate(2);
    std::fs::write(&file, serde_json::to_vec(&raw).unwrap()).unwrap();
    api.command()
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            ": 1 change(s), 0 of them breaking",
        ))
        .stderr(predicate::str::contains(
            "  - non-breaking: operation `list_messages` added",
        ));
}
