//! What the money is spent on: [`Programme`]s, scheme lines with their
//! [`LineAttributes`], and [`ContingencyLine`]s held back.

use std::collections::BTreeSet;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ids::ContributorIx;
use super::parties::Funding;
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision};

/// A themed group of scheme lines, e.g. `BCF2` "Home First".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// A short stable id, e.g. `BCF2`.
    pub id: String,
    /// The programme's name, e.g. "Home First".
    pub name: String,
}

/// One amount on a line: what one contributor puts in one year, and what funds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineAmount {
    /// The amount.
    pub amount: Money,
    /// The precision the amount was printed to (a whole number of its
    /// steps), or `None` if it is exact. It says how much of a difference
    /// the amount's rounding can explain.
    pub precision: Option<Precision>,
    /// The contributor.
    pub contributor: ContributorIx,
    /// The funding source or group.
    pub funding: Funding,
    /// The financial year.
    pub year: FinancialYear,
}

/// Who commissions a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Commissioner {
    /// The local authority.
    LocalAuthority,
    /// The NHS (CCG or ICB).
    Nhs,
    /// Jointly, with the NHS and local-authority shares in percent; they must
    /// add to exactly 100.
    Joint {
        /// NHS share, percent.
        nhs_percent: Decimal,
        /// Local authority share, percent.
        la_percent: Decimal,
    },
}

impl Commissioner {
    /// Whether the shares are a whole: always for one commissioner; for a
    /// joint one, no negative share and the two adding to exactly 100 (what
    /// the [`PlanBuilder`](crate::plan::PlanBuilder) requires).
    pub(crate) fn is_whole(&self) -> bool {
        match self {
            Commissioner::Joint {
                nhs_percent,
                la_percent,
            } => {
                !nhs_percent.is_sign_negative()
                    && !la_percent.is_sign_negative()
                    && nhs_percent.checked_add(*la_percent) == Some(Decimal::ONE_HUNDRED)
            }
            Commissioner::LocalAuthority | Commissioner::Nhs => true,
        }
    }

    /// The NHS share as a fraction (1 for NHS, 0 for the local authority,
    /// 0.6 for a 60% joint share), exactly; fails only for a percentage of
    /// more than 26 decimals.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`](crate::money::MoneyError::Overflow) if a joint
    /// `nhs_percent` has more than 26 decimal places.
    pub fn nhs_share(self) -> Result<Decimal, crate::money::MoneyError> {
        match self {
            Commissioner::LocalAuthority => Ok(Decimal::ZERO),
            Commissioner::Nhs => Ok(Decimal::ONE),
            Commissioner::Joint { nhs_percent, .. } => crate::money::percent_fraction(nhs_percent),
        }
    }
}

/// A yes/no attribute of a line that the national conditions look at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum LineFlag {
    /// Marked "NHS protected" in the plan.
    NhsProtected,
    /// Counts towards the NHS contribution to maintaining adult social care.
    MaintainsSocialCare,
    /// An NHS-commissioned out-of-hospital service (the ring-fence).
    NhsCommissionedOutOfHospital,
    /// Non-recurrent spend.
    NonRecurrent,
    /// Any other flag, by name.
    Other(String),
}

/// Whether a scheme is new or continues from an earlier plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NewOrExisting {
    /// New in this plan.
    New,
    /// Continuing.
    Existing,
}

/// The descriptive attributes of a scheme line (docs/domain.md section 2). All optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LineAttributes {
    /// Scheme type, e.g. "Reablement".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme_type: Option<String>,
    /// Area of spend, e.g. "Social care".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_of_spend: Option<String>,
    /// Who commissions it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commissioner: Option<Commissioner>,
    /// Who provides it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// New or existing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_or_existing: Option<NewOrExisting>,
    /// The iBCF allocation code, e.g. `2.3` (codes may repeat across lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ibcf_code: Option<String>,
    /// A sub-heading the line sits under, e.g. "Disabled Facilities Grants".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subgroup: Option<String>,
    /// Flags such as "NHS protected".
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub flags: BTreeSet<LineFlag>,
}

/// The kind of a contingency line, which fixes the sign it may take.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ContingencyKind {
    /// Money held back for pressures (never negative).
    Contingency,
    /// A risk pool (never negative).
    RiskPool,
    /// A savings target not yet found (never positive).
    CostImprovementTarget,
    /// Any other named pool (any sign).
    Other(String),
}

impl ContingencyKind {
    /// Whether an amount of this sign is allowed for the kind.
    #[must_use]
    pub fn allows(&self, amount: Money) -> bool {
        match self {
            ContingencyKind::Contingency | ContingencyKind::RiskPool => !amount.is_negative(),
            ContingencyKind::CostImprovementTarget => !amount.is_positive(),
            ContingencyKind::Other(_) => true,
        }
    }
}

impl fmt::Display for ContingencyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContingencyKind::Contingency => f.write_str("contingency"),
            ContingencyKind::RiskPool => f.write_str("risk pool"),
            ContingencyKind::CostImprovementTarget => f.write_str("cost improvement target"),
            ContingencyKind::Other(name) => f.write_str(&crate::text::escape(name)),
        }
    }
}

/// Money held back (or a savings target, negative) per contributor and year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContingencyLine {
    /// A stable id, unique in the plan across scheme and contingency lines.
    pub id: String,
    /// The line's name as printed, e.g. "Risk Pool".
    pub name: String,
    /// The kind, which fixes the allowed sign.
    pub kind: ContingencyKind,
    /// Its amounts.
    pub amounts: Vec<LineAmount>,
}
