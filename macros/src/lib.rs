//! The connector! procedural macro.
