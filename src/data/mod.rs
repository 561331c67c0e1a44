//! Every published dataset the crate embeds, in one place.
//!
//! The operations never reach for data themselves: they take values. This
//! module reads the embedded files (copies of public figures, in `data/` at
//! the root of the repository, described in `docs/domain.md` section 9) with
//! the crate's own readers and hands the values out.
//!
//! - [`policy_parameters`]: the dated national policy rules (uplifts,
//!   shares), each with its source;
//! - [`leicestershire`]: the Leicestershire 2017-19 plan and the figures
//!   published beside it, which the tests reproduce.
//!
//! ```
//! use bcf_model::data;
//!
//! let params = data::policy_parameters()?;
//! let plan = data::leicestershire::expenditure_plan()?.plan;
//! assert_eq!(plan.contributors().len(), 3);
//! assert!(!params.rules.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod leicestershire;

use crate::conditions::PolicyParameters;
use crate::io::read_policy_parameters;
use crate::io::LoadErrors;

/// The dated national policy parameters as shipped
/// (`data/policy_parameters.csv`): one rule a row, each with the years it
/// covers, its value, whether it is confirmed and its source.
pub const POLICY_PARAMETERS_CSV: &str = include_str!("../../data/policy_parameters.csv");

/// The shipped national policy parameters ([`POLICY_PARAMETERS_CSV`]).
///
/// # Errors
///
/// Only if the embedded table is not valid, which the crate's tests rule
/// out; the error names the line and cell.
pub fn policy_parameters() -> Result<PolicyParameters, LoadErrors> {
    read_policy_parameters("policy_parameters.csv", POLICY_PARAMETERS_CSV)
}
