#![forbid(unsafe_code)]
pub mod calendar;
pub mod dtoc;
pub mod metrics;
pub mod money;
pub mod risk;
