//! Who pays in, and from which stream of money: [`Contributor`]s,
//! [`FundingSource`]s, [`FundingGroup`]s and [`Allocation`]s.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::{ContributorIx, GroupIx, SourceIx};

use crate::calendar::FinancialYear;
use crate::money::{Money, Precision};

/// An organisation paying into the pooled fund (a party to the section 75 agreement).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contributor {
    /// A short stable id, e.g. `wl_ccg`.
    pub id: String,
    /// The organisation's name, e.g. "West Leicestershire CCG".
    pub name: String,
    /// What kind of body it is.
    pub kind: ContributorKind,
}

/// The kind of body a [`Contributor`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ContributorKind {
    /// A clinical commissioning group (NHS, to 2022).
    Ccg,
    /// An integrated care board (NHS, from 2022).
    Icb,
    /// An upper-tier county council.
    CountyCouncil,
    /// A district council (a housing authority in a two-tier area).
    DistrictCouncil,
    /// A unitary or metropolitan council.
    UnitaryCouncil,
    /// Any other body.
    Other,
}

impl ContributorKind {
    /// Whether the body is an NHS commissioner (CCG or ICB).
    #[must_use]
    pub const fn is_nhs(self) -> bool {
        matches!(self, ContributorKind::Ccg | ContributorKind::Icb)
    }
}

/// The kind of a [`FundingSource`]: each stream of money has its own rules.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FundingSourceKind {
    /// The NHS (CCG/ICB) minimum contribution.
    NhsMinimum,
    /// NHS contributions above the minimum.
    NhsAdditional,
    /// The Disabled Facilities Grant.
    Dfg,
    /// The improved BCF grant of the Spring Budget 2017.
    IbcfSpringBudget2017,
    /// The improved BCF element of the 2015 Spending Review.
    IbcfSpendingReview2015,
    /// The Winter Pressures grant.
    WinterPressures,
    /// Additional local-authority contributions.
    AdditionalLa,
    /// Hospital discharge funds (for a fund not split as below).
    DischargeFund,
    /// The improved BCF grant as one grant: from 2019/20, and from 2020/21
    /// with the Winter Pressures grant rolled into it.
    Ibcf,
    /// The council part of the Adult Social Care Discharge Fund (2022/23,
    /// from December 2022: 40%, a grant to councils).
    DischargeFundCouncil,
    /// The ICB part of the Adult Social Care Discharge Fund (2022/23: 60%).
    DischargeFundIcb,
    /// The council part of the additional discharge funding (2023/24 and
    /// 2024/25).
    AdditionalDischargeCouncil,
    /// The ICB part of the additional discharge funding (2023/24 and
    /// 2024/25).
    AdditionalDischargeIcb,
    /// Anything else, by name.
    Custom(String),
}

impl FundingSourceKind {
    /// Whether this is one of the improved BCF grants.
    #[must_use]
    pub fn is_ibcf(&self) -> bool {
        matches!(
            self,
            FundingSourceKind::IbcfSpringBudget2017
                | FundingSourceKind::IbcfSpendingReview2015
                | FundingSourceKind::Ibcf
        )
    }
}

impl fmt::Display for FundingSourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            FundingSourceKind::NhsMinimum => "NHS minimum contribution",
            FundingSourceKind::NhsAdditional => "NHS additional contribution",
            FundingSourceKind::Dfg => "Disabled Facilities Grant",
            FundingSourceKind::IbcfSpringBudget2017 => "iBCF (Spring Budget 2017)",
            FundingSourceKind::IbcfSpendingReview2015 => "iBCF (Spending Review 2015)",
            FundingSourceKind::WinterPressures => "Winter Pressures grant",
            FundingSourceKind::AdditionalLa => "additional local authority contribution",
            FundingSourceKind::DischargeFund => "discharge fund",
            FundingSourceKind::Ibcf => "iBCF",
            FundingSourceKind::DischargeFundCouncil => "Discharge Fund (council grant)",
            FundingSourceKind::DischargeFundIcb => "Discharge Fund (ICB)",
            FundingSourceKind::AdditionalDischargeCouncil => "additional discharge funding (council)",
            FundingSourceKind::AdditionalDischargeIcb => "additional discharge funding (ICB)",
            FundingSourceKind::Custom(name) => return f.write_str(&crate::text::escape(name)),
        };
        f.write_str(s)
    }
}

/// A stream of money with its own rules, e.g. the CCG minimum contribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingSource {
    /// A short stable id, e.g. `ccg_minimum`.
    pub id: String,
    /// The name as printed, e.g. "CCG BCF Minimum Funding Allocation".
    pub name: String,
    /// Which kind of stream it is.
    pub kind: FundingSourceKind,
}

/// Funding sources that fund lines together, checked as one.
///
/// Some plans do not say which of two grants pays for which line: the
/// Leicestershire 2018/19 County Council lines are funded by the two iBCF
/// grants jointly (6,837.6 + 5,582.0 = 12,419.6). A line may then name the
/// group instead of one source, and reconciliation compares the group's
/// spend with the income of all its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingGroup {
    /// A short stable id, distinct from every source id, e.g. `ibcf`.
    pub id: String,
    /// The group's name.
    pub name: String,
    /// Ids of the member sources; a source belongs to at most one group.
    pub members: Vec<String>,
}

/// Income into the pool: an amount of a funding source from a contributor in a year.
///
/// Built by [`PlanBuilder::allocation`](super::PlanBuilder::allocation); the
/// source and contributor are positions in the plan, resolved with
/// [`Plan::source`](super::Plan::source) and [`Plan::contributor`](super::Plan::contributor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allocation {
    /// The funding source.
    pub source: SourceIx,
    /// The contributor paying it in.
    pub contributor: ContributorIx,
    /// The financial year.
    pub year: FinancialYear,
    /// The amount (never negative).
    pub amount: Money,
    /// The precision the amount was printed to (a whole number of its
    /// steps), or `None` if it is exact. It says how much of a difference
    /// the amount's rounding can explain.
    pub precision: Option<Precision>,
}

impl Funding {
    /// The same funding, its index stamped with `key`.
    pub(crate) const fn with_plan(self, key: super::PlanKey) -> Funding {
        match self {
            Funding::Source(s) => Funding::Source(s.with_plan(key)),
            Funding::Group(g) => Funding::Group(g.with_plan(key)),
        }
    }
}

/// What funds an amount on a line: one source, or a group of sources jointly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Funding {
    /// A single funding source.
    Source(SourceIx),
    /// A [`FundingGroup`] of sources, checked together.
    Group(GroupIx),
}
