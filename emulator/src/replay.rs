//! Replaying a folder of recorded exchanges ([`crate::fixture`]): each Call Connector request
//! is answered with the recorded answer of the same connector, version, operation and input,
//! byte for byte, or refused with a 404 naming the closest recording.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Mutex;

use axum::http::{HeaderName, HeaderValue, StatusCode};
use bytes::Bytes;
use serde::Serialize;
use serde_json::{Value, json};
use tray_connect_codegen::untrusted::visible;

use crate::error::EmulatorError;
use crate::faults::{RawAnswer, Reply};
use crate::fixture::{
    self, Difference, Fixture, MAX_FIXTURE_BYTES, MAX_REPLAY_BYTES, MAX_REPLAY_FILES, OutputCheck,
    OutputChecks,
};
use crate::mismatch::Mismatch;
use crate::record::lock;

/// A mismatch between a replayed output and the `outputSchema` of the emulator's document,
/// found when the fixture was first replayed ([`Emulator::replay_mismatches`](crate::Emulator::replay_mismatches)).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReplayedMismatch {
    /// The fixture's file name in the replayed folder.
    pub file: String,
    /// The fixture's connector.
    pub connector: String,
    /// The fixture's connector version.
    pub version: String,
    /// The fixture's operation.
    pub operation: String,
    /// Where and how the output departs from the schema (pointer in the call's `output`).
    pub mismatch: Mismatch,
}

/// One fixture, ready to answer.
#[derive(Debug)]
struct Loaded {
    file: String,
    fixture: Fixture,
    body: Bytes,
    headers: Vec<(HeaderName, HeaderValue)>,
    check: OutputCheck,
}

/// A replayed folder and what has been answered from it.
#[derive(Debug)]
pub(crate) struct Replay {
    folder: String,
    /// In replay order: by the name's stem, then its number.
    fixtures: Vec<Loaded>,
    /// Calls answered per canonical request, to give the k-th call the k-th recording.
    served: Mutex<HashMap<String, usize>>,
    /// Fixtures whose mismatches have been reported.
    reported: Mutex<BTreeSet<usize>>,
    mismatches: Mutex<Vec<ReplayedMismatch>>,
}

/// Reads every `*.json` file of `folder` (not those starting with `.`, such as a recording's
/// temporary files) as a fixture, and checks each output against `checks`.
pub(crate) fn load(folder: &Path, checks: &OutputChecks) -> Result<Replay, EmulatorError> {
    let shown = folder.display().to_string();
    let refuse = |path: &str, reason: String| EmulatorError::Replay {
        path: path.to_owned(),
        reason,
    };
    let entries = std::fs::read_dir(folder).map_err(|e| {
        let absolute = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
        refuse(
            &shown,
            format!(
                "cannot read the folder ({e}; looked at {})",
                absolute.display()
            ),
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| refuse(&shown, format!("cannot list the folder: {e}")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with('.') {
            if files.len() == MAX_REPLAY_FILES {
                return Err(refuse(
                    &shown,
                    format!("it holds more than {MAX_REPLAY_FILES} fixture files"),
                ));
            }
            files.push((name, entry.path()));
        }
    }
    let order = |name: &str| {
        fixture::split_file_name(name).map_or((name.to_owned(), 0), |(s, n)| (s.to_owned(), n))
    };
    files.sort_by_cached_key(|(name, _)| (order(name), name.clone()));
    let mut fixtures = Vec::with_capacity(files.len());
    let mut total: u64 = 0;
    for (name, path) in files {
        let shown = path.display().to_string();
        let text = read_fixture(&path).map_err(|why| refuse(&shown, why))?;
        total += text.len() as u64;
        if total > MAX_REPLAY_BYTES {
            return Err(refuse(
                &shown,
                format!(
                    "with it, the folder's fixtures hold more than the limit of \
                     {MAX_REPLAY_BYTES} bytes together"
                ),
            ));
        }
        let fixture = Fixture::from_text(&text).map_err(|why| refuse(&shown, why))?;
        let body = match fixture.response.body {
            Some(_) => fixture::body_bytes_from_text(&text),
            None => fixture.response.raw_bytes(),
        }
        .ok_or_else(|| refuse(&shown, "its body cannot be read".to_owned()))?;
        let headers = fixture
            .response
            .headers
            .iter()
            .filter_map(|(name, value)| {
                Some((
                    HeaderName::from_bytes(name.as_bytes()).ok()?,
                    HeaderValue::from_str(value).ok()?,
                ))
            })
            .collect();
        let check = checks.check(&fixture);
        fixtures.push(Loaded {
            file: name,
            fixture,
            body: Bytes::from(body),
            headers,
            check,
        });
    }
    Ok(Replay {
        folder: shown,
        fixtures,
        served: Mutex::default(),
        reported: Mutex::default(),
        mismatches: Mutex::default(),
    })
}

/// A regular file of at most [`MAX_FIXTURE_BYTES`], as UTF-8 text.
fn read_fixture(path: &Path) -> Result<String, String> {
    use std::io::Read as _;
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if !metadata.is_file() {
        return Err("not a regular file".to_owned());
    }
    let too_large = || format!("larger than the limit of {MAX_FIXTURE_BYTES} bytes");
    if metadata.len() > MAX_FIXTURE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FIXTURE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > MAX_FIXTURE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text ({e})"))
}

/// How many differences an unmatched call's answer lists.
const SHOWN_DIFFERENCES: usize = 5;

impl Replay {
    /// How many fixtures were loaded.
    pub(crate) fn len(&self) -> usize {
        self.fixtures.len()
    }

    /// The recorded answer to this call: the k-th call with a given request gets the k-th
    /// recording that matches it (the last one once all have been used); else the 404 that
    /// says no recording matches, and which is closest.
    pub(crate) fn answer(
        &self,
        connector: &str,
        version: &str,
        operation: &str,
        input: &Value,
        return_output_schema: bool,
    ) -> Reply {
        let candidates: Vec<usize> = self
            .fixtures
            .iter()
            .enumerate()
            .filter(|(_, loaded)| {
                let f = &loaded.fixture;
                f.connector == connector
                    && f.version == version
                    && f.operation == operation
                    && f.request.return_output_schema == return_output_schema
                    && fixture::matches(&f.request.input, input)
            })
            .map(|(index, _)| index)
            .collect();
        let Some(&last) = candidates.last() else {
            return self.unmatched(connector, version, operation, input, return_output_schema);
        };
        let key = format!(
            "{connector}\0{version}\0{operation}\0{return_output_schema}\0{}",
            fixture::canonical(input)
        );
        let index = {
            let mut served = lock(&self.served);
            let count = served.entry(key).or_insert(0);
            let index = candidates.get(*count).copied().unwrap_or(last);
            *count += 1;
            index
        };
        let loaded = &self.fixtures[index];
        self.report(index, loaded);
        let status = StatusCode::from_u16(loaded.fixture.response.status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Reply::raw(
            status,
            RawAnswer {
                bytes: loaded.body.clone(),
                headers: loaded.headers.clone(),
            },
        )
    }

    /// Logs and keeps the mismatches of a fixture the first time it is replayed.
    fn report(&self, index: usize, loaded: &Loaded) {
        let mismatches = loaded.check.mismatches();
        if mismatches.is_empty() || !lock(&self.reported).insert(index) {
            return;
        }
        let f = &loaded.fixture;
        let mut kept = lock(&self.mismatches);
        for mismatch in mismatches {
            tracing::warn!(
                "replayed {}: the output of {} of {} {} does not fit its outputSchema {}",
                visible(&loaded.file),
                visible(&f.operation),
                visible(&f.connector),
                visible(&f.version),
                visible(&mismatch.to_string()),
            );
            kept.push(ReplayedMismatch {
                file: loaded.file.clone(),
                connector: f.connector.clone(),
                version: f.version.clone(),
                operation: f.operation.clone(),
                mismatch: mismatch.clone(),
            });
        }
    }

    /// The mismatches of every fixture replayed so far, in the order they were first replayed.
    pub(crate) fn mismatches(&self) -> Vec<ReplayedMismatch> {
        lock(&self.mismatches).clone()
    }

    /// The 404 answering a call no recording matches: the closest recording and where it
    /// differs, or what was recorded of the connector.
    fn unmatched(
        &self,
        connector: &str,
        version: &str,
        operation: &str,
        input: &Value,
        return_output_schema: bool,
    ) -> Reply {
        let call = format!("this call of {operation} of {connector} {version}");
        let same_operation: Vec<&Loaded> = self
            .fixtures
            .iter()
            .filter(|l| {
                let f = &l.fixture;
                f.connector == connector && f.version == version && f.operation == operation
            })
            .collect();
        let mut closest: Option<(&Loaded, Vec<Difference>)> = None;
        let message = if same_operation.is_empty() {
            let recorded: BTreeSet<&str> = self
                .fixtures
                .iter()
                .filter(|l| l.fixture.connector == connector && l.fixture.version == version)
                .map(|l| l.fixture.operation.as_str())
                .collect();
            if recorded.is_empty() {
                format!(
                    "no recorded exchange matches {call}: nothing of connector {connector} \
                     {version} was recorded in {}",
                    self.folder
                )
            } else {
                let hint =
                    tray_connect_codegen::suggest::closest(operation, recorded.iter().copied())
                        .first()
                        .map(|name| format!("; did you mean {name}?"))
                        .unwrap_or_default();
                let listed: Vec<&str> = recorded.iter().copied().take(10).collect();
                format!(
                    "no recorded exchange matches {call}: no call of {operation} was recorded; \
                     the recorded operations of {connector} {version} are {}{hint}",
                    listed.join(", ")
                )
            }
        } else {
            let same_flag: Vec<&&Loaded> = same_operation
                .iter()
                .filter(|l| l.fixture.request.return_output_schema == return_output_schema)
                .collect();
            if same_flag.is_empty() {
                format!(
                    "no recorded exchange matches {call}: its calls were recorded with \
                     returnOutputSchema {}",
                    !return_output_schema
                )
            } else {
                // The recording with the fewest differences; the first on a tie.
                for loaded in same_flag {
                    let found = fixture::differences(&loaded.fixture.request.input, input, 64);
                    if closest
                        .as_ref()
                        .is_none_or(|(_, best)| found.len() < best.len())
                    {
                        closest = Some((loaded, found));
                    }
                }
                let (loaded, found) = closest
                    .as_ref()
                    .map(|(l, d)| (*l, d.as_slice()))
                    .unwrap_or((same_operation[0], &[]));
                let shown: Vec<String> = found
                    .iter()
                    .take(SHOWN_DIFFERENCES)
                    .map(|d| {
                        format!(
                            "at {} recorded {}, sent {}",
                            if d.pointer.is_empty() {
                                "the root"
                            } else {
                                &d.pointer
                            },
                            excerpt(d.recorded.as_ref()),
                            excerpt(d.sent.as_ref())
                        )
                    })
                    .collect();
                let more = found.len().saturating_sub(SHOWN_DIFFERENCES);
                let more = if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                };
                format!(
                    "no recorded exchange matches {call}: the closest recording, {}, has \
                     another input: {}{more}",
                    loaded.file,
                    shown.join("; ")
                )
            }
        };
        tracing::warn!("replay: {}", visible(&message));
        let differences: Vec<Value> = closest
            .as_ref()
            .map(|(_, found)| {
                found
                    .iter()
                    .take(SHOWN_DIFFERENCES)
                    .map(|d| json!({"pointer": d.pointer, "recorded": d.recorded, "sent": d.sent}))
                    .collect()
            })
            .unwrap_or_default();
        Reply::ok(json!({
            "message": format!("tray-connect replay: {message}"),
            "code": null,
            "replay": {
                "closest": closest.as_ref().map(|(l, _)| l.file.clone()),
                "differences": differences,
            },
        }))
        .with_status(StatusCode::NOT_FOUND)
    }
}

/// A value as compact JSON of at most 60 characters; `nothing` for no value.
fn excerpt(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "nothing".to_owned();
    };
    let text = value.to_string();
    if text.chars().count() <= 60 {
        return text;
    }
    let cut: String = text.chars().take(59).collect();
    format!("{cut}…")
}
