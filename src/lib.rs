#![forbid(unsafe_code)]
pub mod calendar;
pub mod io;
pub mod money;
pub mod plan;
pub mod published;
pub mod reconcile;
