//! "Did you mean": the names closest to one that was not found (operations, document files).

/// Up to three of `candidates` within a small edit distance of `name`, closest first; a
/// candidate that contains `name` whole (`twilio` → `twilio-output`) counts as close.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = candidates
        .filter(|c| *c != name)
        .map(|c| {
            let contains = !name.is_empty() && c.contains(name);
            let score = strsim::jaro_winkler(name, c).max(if contains { 0.9 } else { 0.0 });
            (score, c)
        })
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn close_and_containing_names_are_suggested() {
        let names = ["twilio-output", "slack", "twilio-output-old", "twilo"];
        assert_eq!(
            closest("twilio", names.into_iter()),
            ["twilo", "twilio-output", "twilio-output-old"]
        );
        assert!(closest("zzz", names.into_iter()).is_empty());
    }
}
