//! Markers the generated builders use to track, in the type, which required inputs are set.

/// A required input that has not been set yet.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unset;

/// A required input that has been set to the wrapped value.
#[derive(Debug, Clone)]
pub struct Set<T>(#[doc(hidden)] pub T);

/// Implemented only by [`Unset`]: a required input's setter asks for it, so that an input
/// cannot be set twice.
#[diagnostic::on_unimplemented(
    message = "this required input is already set",
    label = "set a second time here",
    note = "each required input is set exactly once before `.build()`"
)]
pub trait IsUnset {}

impl IsUnset for Unset {}
