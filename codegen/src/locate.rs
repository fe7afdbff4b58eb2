//! Finding a document named by a relative path: from a directory up through its parents to
//! the workspace root, and the similarly named documents to suggest when it is not there.
//! `connector!` searches from the crate's directory at compile time, the emulator from the
//! current directory and then the crate's at run time; both list what they tried.

use std::path::{Path, PathBuf};

/// Tries `dir/relative`, then each ancestor's, stopping after `stop` (the workspace root, or
/// the crate's directory) when `dir` lies under it, else after the first workspace root.
/// Every place tried and not found is appended to `tried` (once).
pub fn search_up(
    dir: &Path,
    relative: &Path,
    stop: Option<&Path>,
    tried: &mut Vec<PathBuf>,
) -> Option<PathBuf> {
    let stop = stop.filter(|stop| dir.starts_with(stop));
    for ancestor in dir.ancestors() {
        let candidate = ancestor.join(relative);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !tried.contains(&candidate) {
            tried.push(candidate);
        }
        if stop.map_or_else(|| is_workspace_root(ancestor), |stop| ancestor == stop) {
            break;
        }
    }
    None
}

/// The nearest directory at or above `dir` whose `Cargo.toml` declares a workspace.
pub fn workspace_root_of(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|a| is_workspace_root(a))
        .map(Path::to_path_buf)
}

/// Whether `dir/Cargo.toml` declares a workspace: a `[workspace]` table, or only dotted ones
/// such as `[workspace.dependencies]` (as trybuild's generated manifest has).
pub fn is_workspace_root(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .map(|manifest| {
            manifest.lines().any(|line| {
                let line = line.trim();
                line == "[workspace]" || line.starts_with("[workspace.")
            })
        })
        .unwrap_or(false)
}

/// Up to three documents lying next to where one was looked for, under a similar name
/// (`schemas/twilio.json` → `schemas/twilio-output.json`, which `tray-connect pull` writes).
pub fn similar_documents(tried: &[PathBuf]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    for path in tried {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            continue;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        // Compared by stem: `twilio` is in `twilio-output`, `twilio.json` is not.
        let stems: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter_map(|p| p.file_stem()?.to_str().map(str::to_owned))
            .collect();
        let wanted = Path::new(name)
            .file_stem()
            .unwrap_or(name)
            .to_string_lossy();
        for close in crate::suggest::closest(&wanted, stems.iter().map(String::as_str)) {
            let candidate = dir.join(format!("{close}.json"));
            if !found.contains(&candidate) && found.len() < 3 {
                found.push(candidate);
            }
        }
    }
    found
}

/// " Did you mean `a`?" / " Did you mean one of `a`, `b`?", or nothing.
pub fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(" Did you mean `{one}`?"),
        many => {
            let quoted: Vec<String> = many.iter().map(|s| format!("`{s}`")).collect();
            format!(" Did you mean one of {}?", quoted.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_stops_at_the_given_root_and_records_each_place_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let crate_dir = root.join("a/b");
        std::fs::create_dir_all(&crate_dir).unwrap();
        std::fs::create_dir_all(root.join("a/schemas")).unwrap();
        std::fs::write(root.join("a/schemas/twilio-output.json"), "{}").unwrap();
        let mut tried = Vec::new();
        let relative = Path::new("schemas/twilio-output.json");
        let found = search_up(&crate_dir, relative, Some(&root.join("a")), &mut tried);
        assert_eq!(found, Some(root.join("a/schemas/twilio-output.json")));
        assert_eq!(tried, [crate_dir.join(relative)]);

        let mut tried = Vec::new();
        let missing = Path::new("schemas/twilio.json");
        let stop = root.join("a");
        assert_eq!(
            search_up(&crate_dir, missing, Some(&stop), &mut tried),
            None
        );
        assert_eq!(tried, [crate_dir.join(missing), stop.join(missing)]);
        assert_eq!(
            similar_documents(&tried),
            [root.join("a/schemas/twilio-output.json")]
        );
    }

    #[test]
    fn did_you_mean_reads_as_a_sentence() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["a".into()]), " Did you mean `a`?");
        assert_eq!(
            did_you_mean(&["a".into(), "b".into()]),
            " Did you mean one of `a`, `b`?"
        );
    }
}
