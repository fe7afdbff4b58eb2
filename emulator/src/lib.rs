//! A local emulator of the Connectivity API.
