//! Tray's ids as the emulator makes and checks them: user ids, authIds and subscription ids are
//! UUIDs. A module of its own: the routes of both surfaces and the embedded state make ids.

/// Whether `id` is a UUID in its canonical text form (`8-4-4-4-12` hex digits, any case, any
/// version), as Tray's `authId`s are.
pub(crate) fn is_uuid(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A random (version 4) UUID, the form of Tray's user ids, authIds and
/// subscription ids.
///
/// Made from `fastrand` rather than the `uuid` crate: the emulator needs unique, well-formed
/// ids, not unpredictable ones, and this keeps a dependency (and `getrandom`) out of the tree.
pub(crate) fn new_uuid() -> String {
    let mut bits = fastrand::u128(..);
    // Version 4 in the 13th hex digit, variant 10xx in the 17th (RFC 9562).
    bits = (bits & !(0xf << 76)) | (0x4 << 76);
    bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::{is_uuid, new_uuid};

    #[test]
    fn new_ids_are_version_4_uuids() {
        let ids: Vec<String> = (0..200).map(|_| new_uuid()).collect();
        for id in &ids {
            assert!(is_uuid(id), "{id}");
            assert_eq!(&id[14..15], "4", "{id}");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        }
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn only_canonical_uuids_are_auth_ids() {
        for good in [
            "fe6ce53d-b414-4f24-b0d5-16a0a75544a0",
            "123E4567-AAAA-AAAA-AAAA-AAAAAA614174",
            "00000000-0000-0000-0000-000000000000",
        ] {
            assert!(is_uuid(good), "{good}");
        }
        for bad in [
            "",
            "auth-1",
            "fe6ce53db4144f24b0d516a0a75544a0",
            "{fe6ce53d-b414-4f24-b0d5-16a0a75544a0}",
            "fe6ce53d-b414-4f24-b0d5-16a0a75544a",
            "fe6ce53d-b414-4f24-b0d5-16a0a75544a0 ",
            "ge6ce53d-b414-4f24-b0d5-16a0a75544a0",
            "fe6ce53d-b414-4f24-b0d516a-0a75544a0",
            "569xxxxxx-xxxxx-xxxx-7e829d2c56d",
            "fe6ce53d-b414-4f24-b0d5-16a0a75544é",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }
}
