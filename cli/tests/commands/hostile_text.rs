//! Text a document or the network supplies (titles, descriptions, operation and input names,
//! file names) never reaches the terminal raw: control characters, C1 controls and bidi
//! overrides are shown as escapes (`\u{1b}`) on every line the CLI prints, and `--json` stays
//! valid JSON that reads back to the very same strings.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::support::{AUTH_ID, Api};

/// Everything a terminal acts on or hides: a window title (OSC 0), a screen clear (CSI 2J), an
/// OSC 8 link, NUL, DEL, NEL (a C1 control) and a right-to-left override.
const HOSTILE: &str = "\u{1b}]0;owned\u{7} \u{1b}[2J \
                       \u{1b}]8;;http://evil.example/\u{1b}\\link\u{1b}]8;;\u{1b}\\ \
                       \u{0} \u{7f} \u{85} \u{202e}txet";

/// The served operation's name, and its one required input.
const OPERATION: &str = "ping\u{1b}[2J\u{85}\u{202e}";
const INPUT: &str = "to\u{1b}]0;x\u{7}";
/// An operation only the vendored copy has (so `check` and `pull` say it was removed).
const GONE: &str = "gone\u{1b}]8;;http://evil.example/\u{7}\u{202e}";

/// The characters the terminal must not receive raw, with where they are: C0 controls other
/// than the line feed, DEL, C1 controls, and the bidi embeddings, overrides and isolates.
fn raw_controls(output: &str) -> Vec<(usize, char)> {
    output
        .char_indices()
        .filter(|&(_, c)| {
            (c < ' ' && c != '\n')
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

fn served_document() -> Value {
    json!({
        "connector": {
            "name": "hostile",
            "version": "1.0",
            "title": format!("Hostile {HOSTILE}"),
            "description": HOSTILE,
        },
        "elements": [{
            "name": OPERATION,
            "title": format!("Ping {HOSTILE}"),
            "description": HOSTILE,
            "inputSchema": {
                "type": "object",
                "properties": {INPUT: {"type": "string", "title": HOSTILE}},
                "required": [INPUT],
            },
            "outputSchema": {"type": "object", "properties": {"reply": {"type": "string"}}},
        }],
    })
}

/// A connector whose very name and version are hostile (only listed, never called).
fn evil_document() -> Value {
    json!({
        "connector": {
            "name": "evil\u{202e}\u{1b}[2J",
            "version": "6\u{85}6",
            "title": HOSTILE,
        },
        "elements": [{"name": "x", "title": HOSTILE}],
    })
}

/// The served document as vendored some time ago: the input was optional, and `GONE` existed.
fn vendored_document() -> Value {
    let mut document = served_document();
    document["elements"][0]["inputSchema"]["required"] = json!([]);
    document["elements"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": GONE, "title": HOSTILE, "inputSchema": {}}));
    document
}

fn write_json(path: &Path, document: &Value) -> PathBuf {
    std::fs::write(path, serde_json::to_vec_pretty(document).unwrap()).unwrap();
    path.to_owned()
}

/// One command's run: what it was, and its output on both streams.
struct Run {
    what: String,
    stdout: String,
    stderr: String,
}

fn run(what: &str, mut command: assert_cmd::Command) -> Run {
    let output = command.output().unwrap();
    Run {
        what: what.to_owned(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A `serve` child process, killed when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `serve` on `folder`: its stdout up to "Press Ctrl-C", then (once stopped) its stderr.
fn run_serve(folder: &Path) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tray-connect"))
        .env_remove("TRAY_TOKEN")
        .env_remove("TRAY_API_URL")
        .arg("serve")
        .arg("--schemas")
        .arg(folder)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut stderr = child.stderr.take().unwrap();
    let mut served = Served(child);
    let mut printed = Vec::new();
    loop {
        let start = printed.len();
        if stdout.read_until(b'\n', &mut printed).unwrap() == 0
            || printed[start..].starts_with(b"Press Ctrl-C")
        {
            break;
        }
    }
    // Stopped, so that its stderr ends.
    let _ = served.0.kill();
    let _ = served.0.wait();
    let mut errors = Vec::new();
    stderr.read_to_end(&mut errors).unwrap();
    Run {
        what: "serve".to_owned(),
        stdout: String::from_utf8(printed).expect("stdout is UTF-8"),
        stderr: String::from_utf8(errors).expect("stderr is UTF-8"),
    }
}

#[test]
fn hostile_text_from_documents_and_the_network_is_printed_escaped() {
    let served = tempfile::tempdir().unwrap();
    let hostile = write_json(&served.path().join("hostile.json"), &served_document());
    let evil = write_json(&served.path().join("evil.json"), &evil_document());
    let api = Api::with_documents(&[hostile, evil]);

    let dir = tempfile::tempdir().unwrap();
    // A file name from a repository is text from a document too.
    let vendored = write_json(
        &dir.path().join("hostile\u{1b}[2J\u{202e}.json"),
        &vendored_document(),
    );
    let pulled = write_json(&dir.path().join("pulled.json"), &vendored_document());
    std::fs::write(served.path().join("broken\u{1b}]0;x\u{7}.json"), "{").unwrap();

    let command = |args: &[&str]| {
        let mut command = api.command();
        command.args(args);
        command
    };
    let mut check = api.command();
    check.arg("check").arg(&vendored);
    let mut pull = api.command();
    pull.args(["pull", "hostile", "1.0", "-o"]).arg(&pulled);
    let runs = [
        run("connectors", command(&["connectors"])),
        run("connectors --all", command(&["connectors", "--all"])),
        run("operations", command(&["operations", "hostile", "1.0"])),
        run(
            "call (misspelt)",
            command(&[
                "call",
                "hostile",
                "1.0",
                "pingg",
                "--auth-id",
                AUTH_ID,
                "--input",
                "{}",
            ]),
        ),
        run("check", check),
        run("pull", pull),
        run_serve(served.path()),
    ];

    let mut found = Vec::new();
    for run in &runs {
        for (stream, printed) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            let raw = raw_controls(printed);
            if !raw.is_empty() {
                found.push(format!(
                    "{} {stream}: {} raw ({:?})\n{printed:?}",
                    run.what,
                    raw.len(),
                    raw.iter().map(|(_, c)| *c).collect::<String>()
                ));
            }
        }
    }
    let total: usize = runs
        .iter()
        .map(|r| raw_controls(&r.stdout).len() + raw_controls(&r.stderr).len())
        .sum();
    assert!(
        found.is_empty(),
        "{total} raw control characters printed:\n{}",
        found.join("\n")
    );

    // What was hidden is shown, as escapes, where each command prints it.
    let shown = |what: &str| runs.iter().find(|r| r.what == what).unwrap();
    let escaped_title = r"\u{1b}]0;owned\u{7} \u{1b}[2J";
    let escaped_operation = r"ping\u{1b}[2J\u{85}\u{202e}";
    for what in ["connectors", "connectors --all"] {
        let run = shown(what);
        assert!(run.stdout.contains(escaped_title), "{what}: {}", run.stdout);
        assert!(
            run.stdout.contains(r"evil\u{202e}\u{1b}[2J"),
            "{what}: {}",
            run.stdout
        );
    }
    let operations = &shown("operations").stdout;
    assert!(operations.contains(escaped_operation), "{operations}");
    assert!(operations.contains(r"to\u{1b}]0;x\u{7}"), "{operations}");
    assert!(operations.contains(escaped_title), "{operations}");
    let call = &shown("call (misspelt)").stderr;
    assert!(
        call.contains(&format!("did you mean `{escaped_operation}`?")),
        "{call}"
    );
    let check = &shown("check").stdout;
    assert!(
        check.contains(r"operation `gone\u{1b}]8;;http://evil.example/\u{7}\u{202e}` removed"),
        "{check}"
    );
    assert!(check.contains(r"hostile\u{1b}[2J\u{202e}.json"), "{check}");
    let pull = &shown("pull").stderr;
    assert!(
        pull.contains(r"breaking: operation `gone\u{1b}]8;;http://evil.example/\u{7}\u{202e}`"),
        "{pull}"
    );
    let serve = shown("serve");
    assert!(
        serve.stdout.contains(r"evil\u{202e}\u{1b}[2J 6\u{85}6"),
        "{}",
        serve.stdout
    );
    assert!(
        serve.stderr.contains(r"broken\u{1b}]0;x\u{7}.json"),
        "{}",
        serve.stderr
    );

    // A column lines up by what is shown: the TITLE header starts where every title does.
    let lines: Vec<&str> = shown("connectors --all").stdout.lines().collect();
    let column = lines[0].find("TITLE").unwrap();
    for line in &lines[1..] {
        assert!(
            line.chars()
                .take(column)
                .collect::<String>()
                .ends_with("  "),
            "{line:?} in\n{}",
            lines.join("\n")
        );
    }
}

#[test]
fn json_output_of_hostile_text_is_valid_json_with_every_string_intact() {
    let served = tempfile::tempdir().unwrap();
    let hostile = write_json(&served.path().join("hostile.json"), &served_document());
    let evil = write_json(&served.path().join("evil.json"), &evil_document());
    let api = Api::with_documents(&[hostile, evil]);
    let dir = tempfile::tempdir().unwrap();
    let vendored = write_json(&dir.path().join("hostile.json"), &vendored_document());

    let json_of = |args: &[&std::ffi::OsStr]| -> Value {
        let output = api.command().args(args).arg("--json").output().unwrap();
        let printed = String::from_utf8(output.stdout).unwrap();
        let raw = raw_controls(&printed);
        assert!(raw.is_empty(), "{args:?}: {raw:?} in {printed:?}");
        serde_json::from_str(&printed).unwrap_or_else(|e| panic!("{args:?}: {e}: {printed}"))
    };
    let connectors = json_of(&["connectors".as_ref(), "--all".as_ref()]);
    let titles: Vec<&str> = connectors
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&format!("Hostile {HOSTILE}").as_str()),
        "{titles:?}"
    );
    assert!(
        connectors
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "evil\u{202e}\u{1b}[2J" && c["version"] == "6\u{85}6"),
        "{connectors}"
    );

    let operations = json_of(&["operations".as_ref(), "hostile".as_ref(), "1.0".as_ref()]);
    assert_eq!(operations[0]["name"], OPERATION);
    assert_eq!(operations[0]["description"], HOSTILE);
    assert_eq!(operations[0]["requiredInputs"], json!([INPUT]));

    let report = json_of(&["check".as_ref(), vendored.as_os_str()]);
    let breaking = report[0]["breaking"].to_string();
    assert!(
        report[0]["breaking"]
            .as_array()
            .unwrap()
            .contains(&json!(format!("operation `{GONE}` removed"))),
        "{breaking}"
    );
}
