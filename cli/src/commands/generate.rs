//! `tray-connect generate FILE`: the code `connector!` expands to, pretty-printed.

use std::path::Path;
use std::process::ExitCode;

use tray_connect_codegen::HeaderError;

use crate::args::GenerateArgs;
use crate::document_files;
use crate::failure::Failure;

/// Expands the document and writes the pretty-printed code to stdout or `-o`.
pub fn run(args: GenerateArgs) -> Result<ExitCode, Failure> {
    let shown = args.file.display().to_string();
    let text = document_files::read_text(&args.file)
        .map_err(|why| Failure::failed(format!("cannot read {shown}: {why}")))?;
    let document = tray_connect_codegen::document::parse(&text)
        .map_err(|e| Failure::failed(format!("{shown}: {e}")))?;
    // The header rule of every reader: a header names the connector; `--name`/`--version`
    // name a headerless document, or must agree with the header.
    let given = match (&args.name, &args.version) {
        (Some(name), Some(version)) => Some((name.as_str(), version.as_str())),
        (None, None) => None,
        _ => {
            return Err(Failure::usage(
                "give --name and --version together (they name a document without header)",
            ));
        }
    };
    let header = document.connector(given).map_err(|e| match e {
        HeaderError::Missing => Failure::usage(format!(
            "{shown} has no connector header: pass --name and --version (or add \
             `\"connector\": {{\"name\": .., \"version\": ..}}` at its top)"
        )),
        mismatch @ HeaderError::Mismatch { .. } => Failure::failed(format!("{shown}: {mismatch}")),
    })?;
    let (name, version) = (header.name, header.version);
    let expansion = tray_connect_codegen::expand_as_written(
        &name,
        &version,
        &document,
        args.operations.as_deref(),
        args.serde.into(),
    )
    .map_err(|e| Failure::failed(format!("{shown}: {e}")))?;
    let code = render(&expansion.source, &name, &version, &args.file)?;
    match &args.output {
        Some(path) => {
            // As `pull`: never through a symbolic link, to wherever it points.
            if let Some(link) = document_files::symlink_on_the_way(path) {
                return Err(Failure::failed(document_files::symlink_refusal(
                    "generate", path, &link,
                )));
            }
            std::fs::write(path, &code)
                .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))?
        }
        // Line by line through the terminal's escaping: the code's comments quote the
        // document. A raw hidden character can only be in a comment (string literals are
        // printed with escapes), where its escape is what it shows.
        None => code.lines().for_each(|line| outln!("{line}")),
    }
    if args.report {
        report(&expansion.value_fallbacks);
    }
    Ok(ExitCode::SUCCESS)
}

/// The file `generate` prints (codegen's [`generated_file`](tray_connect_codegen::generated_file)).
pub fn render(code: &str, name: &str, version: &str, source: &Path) -> Result<String, Failure> {
    let from = source
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    tray_connect_codegen::generated_file(code, name, version, &from).map_err(|e| {
        Failure::failed(format!(
            "the generated code does not parse ({e}); this is a bug in tray-connect, \
             please report it with the document attached"
        ))
    })
}

/// `--report`: the nodes typed as `serde_json::Value` (`VALUE_FALLBACKS`), on stderr.
fn report(fallbacks: &[String]) {
    if fallbacks.is_empty() {
        errln!("VALUE_FALLBACKS: none (every schema node has a Rust type)");
        return;
    }
    errln!(
        "VALUE_FALLBACKS: {} schema node(s) typed as serde_json::Value:",
        fallbacks.len()
    );
    for fallback in fallbacks {
        errln!("  {fallback}");
    }
}
