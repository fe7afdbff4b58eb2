//! Finding the document: paths are relative to the crate's `Cargo.toml` directory, then to
//! each ancestor up to the workspace root, then to the invoking source file.
//!
//! Messages name the document as the user wrote it. Places are shown relative to the crate
//! when they lie inside its workspace, else absolute: a relative path from a crate somewhere
//! else (trybuild's scratch crate lives in the target directory) would change with where that
//! crate happens to be.

use std::path::{Path, PathBuf};
use syn::LitStr;
use tray_connect_codegen::locate::{did_you_mean, search_up, similar_documents, workspace_root_of};

/// A document found on disk.
pub struct Found {
    /// Where it is; absolute when the crate's directory is.
    pub path: PathBuf,
    /// `PATH` as written in the macro.
    pub written: String,
    /// Where it is, for messages, when that is not simply `PATH` under the crate's directory.
    pub found_at: Option<String>,
}

impl Found {
    /// How messages name the document: as written, and where it was found if elsewhere.
    pub fn describe(&self) -> String {
        match &self.found_at {
            Some(place) => format!("operations document `{}` (found at {place})", self.written),
            None => format!("operations document `{}`", self.written),
        }
    }
}

/// The document `PATH` names, or an error listing every place tried.
pub fn document_path(literal: &LitStr) -> syn::Result<Found> {
    let written = literal.value();
    let relative = PathBuf::from(&written);
    if relative.is_absolute() {
        return if relative.is_file() {
            Ok(Found {
                path: relative,
                written,
                found_at: None,
            })
        } else {
            Err(syn::Error::new(
                literal.span(),
                format!(
                    "operations document `{written}` not found (no file at that absolute path)"
                ),
            ))
        };
    }
    let places = Places::of_this_crate();
    let stop = places.root().map(Path::to_path_buf);
    let mut tried = Vec::new();
    if let Some(dir) = &places.manifest_dir
        && let Some(found) = search_up(dir, &relative, stop.as_deref(), &mut tried)
    {
        return Ok(places.found(found, written));
    }
    let source_dir = literal
        .span()
        .unwrap()
        .local_file()
        .and_then(|file| file.parent().map(Path::to_path_buf))
        .map(|dir| match &places.manifest_dir {
            Some(base) if dir.is_relative() => base.join(dir),
            _ => dir,
        });
    if let Some(dir) = source_dir
        && let Some(found) = search_up(&dir, &relative, stop.as_deref(), &mut tried)
    {
        return Ok(places.found(found, written));
    }
    let shown: Vec<String> = tried.iter().map(|p| places.show(p)).collect();
    let suggestions: Vec<String> = similar_documents(&tried)
        .iter()
        .map(|p| places.show(p))
        .collect();
    let did_you_mean = did_you_mean(&suggestions);
    Err(syn::Error::new(
        literal.span(),
        format!(
            "operations document `{written}` not found; a relative path is looked up from the \
             directory of the crate's Cargo.toml, then its parents up to the workspace root, \
             then from the directory of the source file and its parents. Tried: {}.{did_you_mean}",
            shown.join(", ")
        ),
    ))
}

/// The invoking crate's directory and its workspace root, for showing places.
struct Places {
    manifest_dir: Option<PathBuf>,
    workspace_root: Option<PathBuf>,
}

impl Places {
    fn of_this_crate() -> Places {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
        let workspace_root = manifest_dir.as_deref().and_then(workspace_root_of);
        Places {
            manifest_dir,
            workspace_root,
        }
    }

    /// Where searches stop: the workspace root, or the crate's own directory when it is in no
    /// workspace (a crate of its own: nothing above it is the user's).
    fn root(&self) -> Option<&Path> {
        self.workspace_root
            .as_deref()
            .or(self.manifest_dir.as_deref())
    }

    fn found(&self, path: PathBuf, written: String) -> Found {
        let direct = self
            .manifest_dir
            .as_ref()
            .is_some_and(|dir| dir.join(&written) == path);
        Found {
            found_at: (!direct).then(|| self.show(&path)),
            path,
            written,
        }
    }

    /// `path` relative to the crate's directory (`../schemas/x.json`) when it lies inside the
    /// crate's workspace (or the crate, outside any workspace), else absolute.
    fn show(&self, path: &Path) -> String {
        let Some(base) = &self.manifest_dir else {
            return path.display().to_string();
        };
        // A crate outside any workspace is its own root.
        let root = self.workspace_root.as_ref().unwrap_or(base);
        if !path.starts_with(root) {
            return path.display().to_string();
        }
        let mut up = PathBuf::new();
        for ancestor in base.ancestors() {
            if let Ok(rest) = path.strip_prefix(ancestor) {
                return up.join(rest).display().to_string();
            }
            up.push("..");
        }
        path.display().to_string()
    }
}
