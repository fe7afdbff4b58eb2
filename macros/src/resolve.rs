//! Finding the document: paths are relative to the crate's `Cargo.toml` directory, then to
//! each ancestor up to the workspace root, then to the invoking source file (DESIGN §4).

use std::path::{Path, PathBuf};
use syn::LitStr;

/// The document `PATH` names, or an error listing every place tried.
pub fn document_path(literal: &LitStr) -> syn::Result<PathBuf> {
    let relative = PathBuf::from(literal.value());
    if relative.is_absolute() {
        return if relative.is_file() {
            Ok(relative)
        } else {
            Err(syn::Error::new(
                literal.span(),
                format!("operations document not found: {}", relative.display()),
            ))
        };
    }
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let mut tried = Vec::new();
    if let Some(dir) = &manifest_dir
        && let Some(found) = search_up(dir, &relative, &mut tried)
    {
        return Ok(found);
    }
    let source_dir = literal
        .span()
        .unwrap()
        .local_file()
        .and_then(|file| file.parent().map(Path::to_path_buf))
        .map(|dir| match &manifest_dir {
            Some(base) if dir.is_relative() => base.join(dir),
            _ => dir,
        });
    if let Some(dir) = source_dir
        && let Some(found) = search_up(&dir, &relative, &mut tried)
    {
        return Ok(found);
    }
    let shown: Vec<String> = tried
        .iter()
        .map(|p| display_relative(p, manifest_dir.as_deref()))
        .collect();
    Err(syn::Error::new(
        literal.span(),
        format!(
            "operations document `{}` not found; paths are relative to the directory of the \
             crate's Cargo.toml (then its ancestors up to the workspace root). Tried: {}",
            relative.display(),
            shown.join(", ")
        ),
    ))
}

/// Tries `dir/relative`, then each ancestor's, stopping after the first directory whose
/// Cargo.toml declares a `[workspace]`.
fn search_up(dir: &Path, relative: &Path, tried: &mut Vec<PathBuf>) -> Option<PathBuf> {
    for ancestor in dir.ancestors() {
        let candidate = ancestor.join(relative);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !tried.contains(&candidate) {
            tried.push(candidate);
        }
        if is_workspace_root(ancestor) {
            break;
        }
    }
    None
}

fn is_workspace_root(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .map(|manifest| manifest.lines().any(|l| l.trim() == "[workspace]"))
        .unwrap_or(false)
}

/// `path` relative to the crate's directory where that reads naturally (`../schemas/x.json`).
pub fn display_relative(path: &Path, base: Option<&Path>) -> String {
    let Some(base) = base else {
        return path.display().to_string();
    };
    let mut up = PathBuf::new();
    for ancestor in base.ancestors() {
        if let Ok(rest) = path.strip_prefix(ancestor) {
            return up.join(rest).display().to_string();
        }
        up.push("..");
    }
    path.display().to_string()
}
