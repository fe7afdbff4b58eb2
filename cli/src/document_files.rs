//! Finding and reading operations documents on disk (`serve`, `check`).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A document file read by codegen's reader (the one `connector!` and the emulator use), with
/// the connector its header names.
#[derive(Debug)]
pub struct DocumentFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// `connector.name`.
    pub name: String,
    /// `connector.version`.
    pub version: String,
    /// The operations, each element exactly as written.
    pub elements: Vec<Value>,
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
    let document = tray_connect_codegen::document::parse(&text).map_err(|e| e.to_string())?;
    let header = document.connector(None).map_err(|_| {
        "no connector header saying which connector it describes; add \
         `\"connector\": {\"name\": \"<name>\", \"version\": \"<version>\"}` at its top \
         (`tray-connect pull` writes documents with it)"
            .to_owned()
    })?;
    Ok(DocumentFile {
        path: path.to_path_buf(),
        name: header.name,
        version: header.version,
        elements: document
            .operations
            .iter()
            .map(|op| Value::Object(op.element().clone()))
            .collect(),
    })
}
