//! One module per subcommand.

pub mod auth_url;
pub mod auths;
pub mod call;
pub mod check;
pub mod connectors;
pub mod deliver;
pub mod generate;
pub mod listen;
pub mod operations;
pub mod pull;
pub mod record;
pub mod serve;
pub mod subscribe;
pub mod subscriptions;
pub mod triggers;
pub mod users;

use std::borrow::Cow;
use std::path::Path;

use crate::document_files;
use crate::failure::Failure;
use crate::terminal;

/// Prints rows as left-aligned columns under `header`, two spaces apart; the last column is
/// not padded. Cells are escaped first (they hold names and titles from the network), so the
/// columns line up by what the terminal shows.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let rows: Vec<Vec<Cow<'_, str>>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| terminal::visible(cell)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if i == last {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  "));
            }
        }
        outln!("{}", text.trim_end());
    };
    line(header.to_vec());
    for row in &rows {
        line(row.iter().map(AsRef::as_ref).collect());
    }
}

/// Prints `value` as pretty JSON on stdout, hidden characters as JSON escapes (line by line,
/// so its line feeds stay line feeds).
pub fn print_json(value: &serde_json::Value) {
    terminal::json(value)
        .lines()
        .for_each(|line| outln!("{line}"));
}

/// A JSON flag's value (`--input`, `--event`): JSON text, or `@FILE` to read it from a file.
/// Returns the text as given (what `deliver` sends byte for byte) and its value; text that is
/// not JSON, or a file that cannot be read, is a usage error naming the flag.
pub fn read_json_arg(flag: &str, value: &str) -> Result<(String, serde_json::Value), Failure> {
    let (text, origin) = match value.strip_prefix('@') {
        Some(path) => {
            let text = document_files::read_text(Path::new(path))
                .map_err(|why| Failure::usage(format!("cannot read {flag} file {path}: {why}")))?;
            (text, format!("{flag} file {path}"))
        }
        None => (value.to_owned(), flag.to_owned()),
    };
    let parsed = serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format!("{origin} is not valid JSON: {e}")))?;
    Ok((text, parsed))
}

/// The `required` input names of an operation's `inputSchema` (strings only, in order).
pub fn required_inputs(input_schema: &serde_json::Value) -> Vec<String> {
    input_schema
        .get("required")
        .and_then(serde_json::Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
