//! What the API does list when a connector (or trigger) version asked for is not there: its
//! other versions (`slack 9` → `9.0`, `9.1`), or the names closest to the one given
//! (`twilio` → `twilio-output`).

use tray_connect::Connector;
use tray_connect_codegen::suggest;

use crate::versions;

/// A clause to append to a "not found" message: "; slack has versions 9.0, 9.1" or "; did you
/// mean `twilio-output`?", or nothing when nothing is close.
pub fn hint(listed: &[Connector], name: &str, version: &str) -> String {
    let mut versions: Vec<&str> = listed
        .iter()
        .filter(|c| c.name == name && c.version != version)
        .map(|c| c.version.as_str())
        .collect();
    if !versions.is_empty() {
        versions.sort_by(|a, b| versions::compare(a, b));
        versions.dedup();
        return format!("; {name} has version(s) {}", versions.join(", "));
    }
    let mut names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    match suggest::closest(name, names.into_iter()).as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean `{one}`?"),
        many => {
            let quoted: Vec<String> = many.iter().map(|n| format!("`{n}`")).collect();
            format!("; did you mean one of {}?", quoted.join(", "))
        }
    }
}
