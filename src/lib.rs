#![forbid(unsafe_code)]
pub mod calendar;
pub mod contingency;
pub mod io;
pub mod money;
pub mod monitor;
pub mod plan;
pub mod published;
pub mod reconcile;
