//! Connector versions compared as people read them: "2.10" is newer than "2.9".

use std::cmp::Ordering;

/// Compares two versions segment by segment (split on `.`), numerically where both segments
/// are numbers, as text otherwise; a version with more segments is newer when the rest ties.
pub fn compare(a: &str, b: &str) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    _ => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_compare_numerically() {
        assert_eq!(compare("2.10", "2.9"), Ordering::Greater);
        assert_eq!(compare("10.0", "9.1"), Ordering::Greater);
        assert_eq!(compare("2.1", "2.1"), Ordering::Equal);
        assert_eq!(compare("2", "2.0"), Ordering::Less);
        assert_eq!(compare("1.b", "1.a"), Ordering::Greater);
    }
}
