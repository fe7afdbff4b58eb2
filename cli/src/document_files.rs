//! Finding and reading operations documents and other input files on disk.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use tray_connect_codegen::{DocumentKind, OperationsDocument};

/// The largest file the CLI reads (a document or `--input @file`). Tray's largest published
/// documents are a few MB; the client caps API answers at the same size.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A document file read by codegen's reader (the one `connector!` and the emulator use), with
/// the connector or trigger its header names.
#[derive(Debug)]
pub struct DocumentFile {
    /// Which header it has: `connector` or `trigger`.
    pub kind: DocumentKind,
    /// The header's `name`.
    pub name: String,
    /// The header's `version`.
    pub version: String,
    /// The document as codegen reads it.
    pub document: OperationsDocument,
}

/// Why a document cannot be used.
#[derive(Debug)]
pub enum DocumentProblem {
    /// The file cannot be read, or is not an operations document.
    Unreadable(String),
    /// It is a document, but without the header saying which connector it describes.
    Headerless,
}

impl std::fmt::Display for DocumentProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocumentProblem::Unreadable(why) => f.write_str(why),
            DocumentProblem::Headerless => f.write_str(
                "no connector header saying which connector it describes; add \
                 `\"connector\": {\"name\": \"<name>\", \"version\": \"<version>\"}` at its top \
                 (`\"trigger\"` for a trigger's document; `tray-connect pull` writes documents \
                 with it)",
            ),
        }
    }
}

/// The `.json` files of `paths` (folders expanded one level, sorted by name); a path that does
/// not exist is kept, so that reading it reports it.
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
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Reads a document and its header; the error says why it cannot be used.
pub fn read(path: &Path) -> Result<DocumentFile, DocumentProblem> {
    let text = read_text(path)
        .map_err(|why| DocumentProblem::Unreadable(format!("cannot read it: {why}")))?;
    let document = tray_connect_codegen::document::parse(&text)
        .map_err(|e| DocumentProblem::Unreadable(e.to_string()))?;
    let header = document
        .connector(None)
        .map_err(|_| DocumentProblem::Headerless)?;
    Ok(DocumentFile {
        kind: document.kind,
        name: header.name,
        version: header.version,
        document,
    })
}

/// The text of a regular file of at most [`MAX_FILE_BYTES`], or why not (to follow "cannot
/// read FILE: "). FIFOs, devices and folders are
/// refused before they are opened (opening a FIFO waits for a writer; `/dev/zero` never ends).
pub fn read_text(path: &Path) -> Result<String, String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err("not a regular file (a FIFO, device or folder)".to_owned());
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    // The length read may exceed the length stat'ed: the file grew, or reports no length.
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text ({e})"))
}

/// The first symbolic link on the way to `path`, a file a command is about to write: a folder
/// the path names below the current directory, or the file itself. `None` when there is none.
///
/// A write through a link lands where the link points, anywhere on the disk: a repository with
/// `schemas/x.json -> ../../victim/authorized_keys` would have `pull` replace the victim. The
/// folders above the current directory (or above an absolute path outside it) are the user's
/// own and are not looked at; nor are those of a relative path once it climbs above the
/// current directory with `..`, which may lead anywhere.
pub fn symlink_on_the_way(path: &Path) -> Option<PathBuf> {
    let (mut prefix, below) = if path.is_relative() {
        (PathBuf::new(), Some(path))
    } else {
        match std::env::current_dir() {
            Ok(current) => match path.strip_prefix(&current) {
                Ok(rest) => (current.clone(), Some(rest)),
                Err(_) => (PathBuf::new(), None),
            },
            Err(_) => (PathBuf::new(), None),
        }
    };
    if let Some(below) = below {
        // How many folders below the current directory `prefix` is.
        let mut depth = 0usize;
        for component in below.components() {
            prefix.push(component);
            match component {
                Component::Normal(_) => {
                    depth += 1;
                    if is_symlink(&prefix) {
                        return Some(prefix);
                    }
                }
                Component::ParentDir if depth == 0 => break,
                Component::ParentDir => depth -= 1,
                _ => {}
            }
        }
    }
    is_symlink(path).then(|| path.to_owned())
}

/// Whether `path` itself (not what it points to) is a symbolic link.
fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}

/// The one-line refusal of a `command` asked to write `path` through `link`
/// ([`symlink_on_the_way`]).
pub fn symlink_refusal(command: &str, path: &Path, link: &Path) -> String {
    let what = if link == path {
        format!("{} is a symbolic link", path.display())
    } else {
        format!(
            "{} is a symbolic link (a folder of {})",
            link.display(),
            path.display()
        )
    };
    format!(
        "{what}; {command} never writes through a link (it would replace whatever the link \
         points to): remove the link, or give -o a path without links"
    )
}

fn too_large() -> String {
    format!(
        "larger than the {} MiB limit",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}
