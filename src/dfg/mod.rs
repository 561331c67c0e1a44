//! Disabled Facilities Grant (DFG) passporting and monitoring (docs/domain.md
//! section 4).
//!
//! In a two-tier area the county receives the DFG inside the BCF and must pass
//! it **in full** to the district councils, unless a recorded local agreement
//! ([`RetentionAgreement`]) keeps part back for other strategic housing
//! priorities; a retained part may be released in a later year. This module
//! holds each district's allocation ([`DfgAllocations`], exact pounds), works
//! out what each district receives ([`passport`]), splits a county total pro
//! rata when only the total is known ([`pro_rata`]), compares years
//! ([`DfgAllocations::growth`]), monitors a quarter ([`monitor_passport`]) and checks
//! that a plan passports what it should ([`check_plan_passport`]).
//!
//! ```
//! use bcf_model::dfg::{passport, DfgAllocations};
//!
//! let dfg = bcf_model::data::leicestershire::dfg_allocations()?;
//! let p = passport(&dfg, "2017/18".parse()?, &[])?;
//! assert_eq!(p.passed.to_string(), "£3,349,869.00"); // passed in full
//! let g = dfg.growth("2017/18".parse()?, "2018/19".parse()?)?;
//! assert_eq!(g.total.to_amount.to_string(), "£3,632,291.00");
//! assert_eq!(g.total.percent.map(|p| p.round_dp(2).to_string()), Some("8.43".to_string()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::calendar::FinancialYear;
use crate::money::{AllocationError, MoneyError};

mod allocations;
mod monitoring;
mod passporting;

pub use allocations::{pro_rata, Change, DfgAllocations, DistrictAllocation, Growth};
pub use monitoring::{monitor_passport, PassportFinding, PassportReport, PassportRow, QuarterReturn};
pub use passporting::{
    check_plan_passport, passport, DistrictPassport, Passport, PlanPassportCheck, Release, RetentionAgreement,
};

/// Why a DFG calculation could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DfgError {
    /// No allocations for a year.
    #[error("no DFG allocations for {0}")]
    NoYear(FinancialYear),
    /// A district not in the allocations.
    #[error("district {0:?} has no DFG allocation")]
    UnknownDistrict(String),
    /// A district whose allocations do not cover every year of the table.
    #[error("district {district:?} has no DFG allocation for {year}, a year of the allocations")]
    MissingAmount {
        /// The district.
        district: String,
        /// The year it has no amount for.
        year: FinancialYear,
    },
    /// A year given twice in an allocation table.
    #[error("DFG allocations give {0} twice")]
    DuplicateYear(FinancialYear),
    /// A district given twice in an allocation table.
    #[error("DFG allocations give district {0:?} twice")]
    DuplicateDistrict(String),
    /// A district with a blank name.
    #[error("DFG allocations have a district with no name")]
    BlankDistrict,
    /// A district with more amounts than the table has years.
    #[error("district {district:?} has more DFG allocations than the table has years")]
    ExtraAmount {
        /// The district.
        district: String,
    },
    /// A negative allocation.
    #[error("district {district:?} has a negative DFG allocation for {year}")]
    NegativeAllocation {
        /// The district.
        district: String,
        /// The year.
        year: FinancialYear,
    },
    /// A retention agreement that cannot stand.
    #[error("DFG retention agreement for {year} ({}): {}", crate::text::shown(.purpose), crate::text::shown(.problem))]
    BadAgreement {
        /// The year the money is retained.
        year: FinancialYear,
        /// Its purpose.
        purpose: String,
        /// What is wrong.
        problem: String,
    },
    /// Monitoring returns for a quarter of another year.
    #[error("monitoring quarter {} is not in the passport year {year}", crate::text::shown(.quarter))]
    WrongYear {
        /// The quarter given.
        quarter: String,
        /// The passport's year.
        year: FinancialYear,
    },
    /// A split that could not be made.
    #[error("cannot split the DFG: {0}")]
    Allocation(#[from] AllocationError),
    /// Arithmetic beyond the decimal range.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
