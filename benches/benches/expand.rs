//! Expansion speed: our codegen against typify's TypeSpace on the same schemas.
//!
//!     cd benches && cargo bench --bench expand
//!
//! Schemas are cleaned first (Tray keywords dropped) and only operations whose input and output
//! typify accepts are timed, on both sides. typify runs with struct builders on (ours always
//! generates builders). Both sides parse JSON text and produce a token stream; `ours_text` stops
//! at the source text the macro hands rustc (which lexes it far faster than proc-macro2's own
//! lexer does for `ours`).

use criterion::{Criterion, criterion_group, criterion_main};
use tray_connect_benches::*;

fn bench(c: &mut Criterion) {
    for (label, document) in [
        ("synthetic", synthetic_document()),
        ("github", github_document()),
    ] {
        let (name, version) = header(&document);
        let (accepted, filtered, rejected, total) = typify_view(&document);
        eprintln!(
            "{label}: typify rejects {rejected} of {total} schemas; timing {} operations ({} bytes)",
            accepted.len(),
            filtered.len()
        );
        let mut group = c.benchmark_group(format!("expand/{label}"));
        group.sample_size(10);
        group.bench_function("ours", |b| {
            b.iter(|| ours_expand(&name, &version, &filtered))
        });
        group.bench_function("ours_text", |b| {
            b.iter(|| ours_source(&name, &version, &filtered))
        });
        group.bench_function("typify", |b| b.iter(|| typify_expand(&accepted)));
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
