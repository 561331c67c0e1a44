//! # bcf-model
//!
//! An exact model of the English **Better Care Fund** (BCF): the pooled NHS
//! and council budget behind hospital discharge, reablement, care at home and
//! housing adaptations.
//!
//! Data flows one way: **load** ([`io`]) → **model** ([`plan`]) →
//! **operations** ([`reconcile`], [`published`]) → **presentation**
//! ([`present`]). Money is exact ([`money::Money`] on `rust_decimal`), every
//! check returns every finding as a value, and nothing panics on bad input.
//!
//! ```
//! use bcf_model::published::{check_footings, expenditure_plan_footings, BoundRule};
//! use bcf_model::reconcile::reconcile;
//!
//! // The embedded Leicestershire 2017-19 plan, as published (£'000).
//! let published = bcf_model::data::leicestershire::expenditure_plan()?;
//!
//! // Does the plan balance per contributor, year and funding source?
//! let rec = reconcile(&published.plan)?;
//! assert!(rec.is_balanced()); // one 0.1 difference, within rounding
//!
//! // Do the printed totals follow from the printed lines?
//! let check = check_footings(
//!     &published.table,
//!     &expenditure_plan_footings(&published.table),
//!     BoundRule::WorstCase,
//! )?;
//! assert_eq!(check.rounding_differences().count(), 27);
//! assert_eq!(check.error_count(), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! See `DESIGN.md` for why the crate is built this way.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::must_use_candidate)]
#![warn(clippy::missing_errors_doc)]

pub mod calendar;
pub mod conditions;
pub mod contingency;
pub mod data;
pub mod dfg;
pub mod dtoc;
pub mod footing;
pub mod ibcf;
pub mod io;
pub mod metrics;
pub mod money;
pub mod monitor;
pub mod plan;
pub mod policy;
pub mod present;
pub mod published;
pub mod reconcile;
pub mod returns;
pub mod risk;
pub mod rollup;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod text;
pub mod verdict;
pub mod waterfall;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
