#![forbid(unsafe_code)]
pub mod calendar;
pub mod money;
