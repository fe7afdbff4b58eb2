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

/// What the setter of an enum input takes: the enum itself, or anything `Into` it (so it reads
/// as `impl Into<T>` to every caller). It exists for its error: a string passed where a
/// variant is expected names the enum and the way to parse one, instead of rustc's
/// "`From<&str>` is not implemented".
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of the enum `{T}`",
    label = "expected a `{T}` variant",
    note = "pass one of `{T}`'s variants (`{T}::…`, its `VALUES` lists them), or parse text with \
            `\"…\".parse::<{T}>()?`, whose error lists the valid values"
)]
pub trait IntoEnum<T> {
    /// The value.
    fn into_enum(self) -> T;
}

#[diagnostic::do_not_recommend]
impl<T, U: Into<T>> IntoEnum<T> for U {
    fn into_enum(self) -> T {
        self.into()
    }
}
