#![forbid(unsafe_code)]
pub mod calendar;
pub mod metrics;
pub mod money;
