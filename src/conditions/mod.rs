//! National conditions and funding rules (docs/domain.md section 4): dated policy
//! parameters, the NHS minimum contribution uplift, and the condition checks a
//! BCF plan is assured against.
//!
//! Rules that change every planning year live in a [`PolicyParameters`]
//! table, one [`PolicyRule`] per parameter and span of years, each with its
//! source and whether it is confirmed. The defaults ship as data
//! ([`crate::data::policy_parameters`]); callers can read their own
//! ([`crate::io::read_policy_parameters`]), override a year with
//! [`PolicyParameters::set`], and write the table back out
//! ([`crate::io::write_policy_parameters`]). Asking
//! for a year with no rule is a [`ConditionError::MissingParameter`] naming the
//! year, never a silent zero.
//!
//! Each check returns a [`ConditionCheck`](crate::verdict::ConditionCheck): [`Outcome::Met`](crate::verdict::Outcome::Met),
//! [`Outcome::NotMet`](crate::verdict::Outcome::NotMet) or [`Outcome::CannotTell`](crate::verdict::Outcome::CannotTell), with the [`Figure`](crate::verdict::Figure)s behind
//! it and [`ConditionFinding`](crate::verdict::ConditionFinding)s saying why.
//!
//! ```
//! use bcf_model::conditions::check_all;
//! use bcf_model::verdict::{Condition, Outcome};
//!
//! let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
//! let calendar = bcf_model::data::policy_calendar()?;
//! let inputs = bcf_model::data::leicestershire::condition_inputs()?;
//! let y = "2018/19".parse()?;
//! let checks = check_all(&plan, &calendar, &inputs, y)?;
//! let uplift = checks.iter().find(|c| c.condition == Condition::NhsMinimumUplift).ok_or("not found")?;
//! assert_eq!(uplift.outcome, Outcome::Met);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod checks;
mod inputs;
mod policy;
mod uplift;

pub use checks::{
    check_all, check_funding_fully_planned, check_nhs_minimum_uplift, check_out_of_hospital, check_plan_agreed,
    check_social_care_maintained,
};
pub use inputs::{
    ConditionInputs, OutOfHospitalInputs, PriorContribution, PublishedOutOfHospital, SignOff, SocialCareBaseline,
};
pub use policy::{Parameter, PolicyParameters, PolicyRule};
pub use uplift::{
    detect_uplift, nhs_minimum_by_contributor, uplift, uplift_chain, ContributorUplift, UpliftDetection, UpliftStep,
};

use crate::calendar::FinancialYear;
use crate::dfg::DfgError;
use crate::ibcf::IbcfError;
use crate::money::MoneyError;
use crate::reconcile::ReconcileError;

/// A failure that stops a check (as opposed to a condition not being met).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConditionError {
    /// No rule for a parameter in a year.
    #[error(
        "no {parameter} rule covers {year}: add one to the policy parameters (a missing rule is never taken as zero)"
    )]
    MissingParameter {
        /// The parameter.
        parameter: Parameter,
        /// The year asked for.
        year: FinancialYear,
    },
    /// A year the plan does not cover.
    #[error("{year} is not one of the plan's years ({plan_years})")]
    YearNotInPlan {
        /// The year asked for.
        year: FinancialYear,
        /// The plan's years.
        plan_years: String,
    },
    /// Arithmetic beyond the decimal range.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Reconciliation failed.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// The DFG passport check failed.
    #[error(transparent)]
    Dfg(#[from] DfgError),
    /// A grant pooling check failed.
    #[error(transparent)]
    Ibcf(#[from] IbcfError),
}
