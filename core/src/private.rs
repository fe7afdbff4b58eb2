//! What `connector!`'s expansion reaches through `::tray_connect::__private`, so that users
//! depend on `tray-connect` alone. Not a public API: it changes without notice.

pub use crate::typestate::{IsUnset, Set, Unset};
pub use serde;
pub use serde_json;
pub use std::collections::BTreeMap;
