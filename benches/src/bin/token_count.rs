//! Tokens each side of the expansion benchmark emits, on the same schemas:
//!
//!     cd benches && cargo run --release --bin token_count
//!
//! Counts every token tree (a group counts once, plus what it holds) and identifiers, and times
//! one expansion of each, so the expansion ratio can be read per token emitted.

use proc_macro2::{TokenStream, TokenTree};
use std::time::Instant;
use tray_connect_benches::*;

fn count(stream: TokenStream, tokens: &mut usize, idents: &mut usize, literals: &mut usize) {
    for tree in stream {
        *tokens += 1;
        match tree {
            TokenTree::Group(g) => count(g.stream(), tokens, idents, literals),
            TokenTree::Ident(_) => *idents += 1,
            TokenTree::Literal(_) => *literals += 1,
            TokenTree::Punct(_) => {}
        }
    }
}

fn main() {
    for (label, document) in [
        ("synthetic", synthetic_document()),
        ("github", github_document()),
    ] {
        let (name, version) = header(&document);
        let (accepted, filtered, _, _) = typify_view(&document);
        let mut rows = Vec::new();
        for side in ["ours", "typify"] {
            let mut best = f64::MAX;
            let mut out = TokenStream::new();
            for _ in 0..5 {
                let start = Instant::now();
                out = if side == "ours" {
                    ours_expand(&name, &version, &filtered)
                } else {
                    typify_expand(&accepted)
                };
                best = best.min(start.elapsed().as_secs_f64());
            }
            let (mut tokens, mut idents, mut literals) = (0, 0, 0);
            count(out, &mut tokens, &mut idents, &mut literals);
            rows.push((side, tokens, idents, literals, best));
        }
        for (side, tokens, idents, literals, secs) in &rows {
            println!(
                "{label:9} {side:6}: {tokens:>9} tokens ({idents} idents, {literals} literals), best of 5: {:.3} s, {:.1} ns/token",
                secs,
                secs * 1e9 / *tokens as f64
            );
        }
        let (o, t) = (&rows[0], &rows[1]);
        println!(
            "{label:9} ratio ours/typify: tokens {:.2}, time {:.2}",
            o.1 as f64 / t.1 as f64,
            o.4 / t.4
        );
    }
}
