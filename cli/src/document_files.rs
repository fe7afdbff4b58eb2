//! Finding and reading operations documents on disk (`serve`, `check`).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A document file with its `connector` header read.
#[derive(Debug)]
pub struct DocumentFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The whole document.
    pub json: Value,
    /// `connector.name`.
    pub name: String,
    /// `connector.version`.
    pub version: String,
}

/// The `.json` files of `paths` (folders expanded one level, sorted by name).
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| format!("cannot read folder {}: {e}", path.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
                .collect();
            found.sort();
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(format!("{} does not exist", path.display()));
        }
    }
    Ok(files)
}

/// Reads a document and its header; the error says why it cannot be used.
pub fn read(path: &Path) -> Result<DocumentFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    let header = json.get("connector");
    let field = |key: &str| {
        header
            .and_then(|h| h.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (Some(name), Some(version)) = (field("name"), field("version")) else {
        return Err(
            "no connector header ({\"connector\": {\"name\", \"version\"}}); \
             re-vendor it with `tray-connect pull`"
                .to_owned(),
        );
    };
    if !json.get("elements").is_some_and(Value::is_array) {
        return Err("no `elements` array".to_owned());
    }
    Ok(DocumentFile {
        path: path.to_path_buf(),
        json,
        name,
        version,
    })
}
