//! Roll-ups of many areas' plans for one year: national totals per funding
//! stream and per condition outcome, and the NHS minimum uplift applied area
//! by area (`docs/domain.md` section 4).
//!
//! The national figures are sums of the areas' exact figures, never a
//! figure worked out at national level: an uplift is applied to each area's
//! contribution and rounded there, as each area's plan must show it, and the
//! rounded results are added. Uplifting the national total instead can
//! differ from that sum by up to half a rounding step an area; both are
//! reported, with the difference.
//!
//! ```
//! use bcf_model::money::{Money, Precision, Rounding};
//! use bcf_model::rollup::uplift_by_area;
//!
//! // Three areas of £1,005 each, uplifted by 5% to whole pounds: each
//! // becomes £1,055.25, rounded to £1,055, so £3,165 in all; uplifting the
//! // national £3,015 gives £3,165.75, rounded to £3,166.
//! let areas = [("a", Money::from_pence(100_500)); 3];
//! let u = uplift_by_area(&areas, "5".parse()?, Precision::POUNDS, Rounding::HalfAwayFromZero)?;
//! assert_eq!(u.sum_of_areas, Money::from_pence(316_500));
//! assert_eq!(u.national, Money::from_pence(316_600));
//! assert_eq!(u.difference, Money::from_pence(-100));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::calendar::FinancialYear;
use crate::conditions::uplift;
use crate::money::{Money, MoneyError, Precision, Rounding};
use crate::plan::{FundingSourceKind, Plan};
use crate::verdict::{ConditionCheck, Outcome};

/// A failure of a roll-up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RollUpError {
    /// An area's plan does not cover the year.
    #[error("the plan of {area} does not cover {year}")]
    YearNotInPlan {
        /// The area.
        area: String,
        /// The year.
        year: FinancialYear,
    },
    /// A sum beyond the decimal range.
    #[error("{what}: {source}")]
    Money {
        /// What was being added up.
        what: String,
        /// The overflow.
        source: MoneyError,
    },
}

/// The national totals of one year's plans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollUp {
    /// The year.
    pub year: FinancialYear,
    /// How many areas.
    pub areas: usize,
    /// The income of each funding stream (by source kind), summed over every
    /// area's allocations, in the order the kinds were first met.
    pub streams: Vec<(FundingSourceKind, Money)>,
    /// The total income of all streams.
    pub total: Money,
}

impl RollUp {
    /// The national income of the stream `kind` (zero if no area has it: no
    /// area was allocated any).
    #[must_use]
    pub fn stream(&self, kind: &FundingSourceKind) -> Money {
        self.streams
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(Money::ZERO, |(_, m)| *m)
    }
}

/// The national totals per funding stream of the `areas`' plans in `year`:
/// each area's allocations of the year, added by the kind of their source.
///
/// # Errors
///
/// [`RollUpError::YearNotInPlan`] naming the first area whose plan does not
/// cover `year`, and [`RollUpError::Money`] if a total is beyond the decimal
/// range.
pub fn roll_up(areas: &[(&str, &Plan)], year: FinancialYear) -> Result<RollUp, RollUpError> {
    let mut streams: Vec<(FundingSourceKind, Money)> = Vec::new();
    let mut total = Money::ZERO;
    let sum = |what: &str, a: Money, b: Money| {
        a.checked_add(b).map_err(|source| RollUpError::Money {
            what: what.to_string(),
            source,
        })
    };
    for (area, plan) in areas {
        if plan.year_index(year).is_none() {
            return Err(RollUpError::YearNotInPlan {
                area: (*area).to_string(),
                year,
            });
        }
        for a in plan.allocations().iter().filter(|a| a.year == year) {
            let kind = &plan
                .source(a.source)
                .expect("an allocation's source is its own plan's (the builder resolved it)")
                .kind;
            match streams.iter_mut().find(|(k, _)| k == kind) {
                Some((k, m)) => *m = sum(&k.to_string(), *m, a.amount)?,
                None => streams.push((kind.clone(), a.amount)),
            }
            total = sum("the total of all streams", total, a.amount)?;
        }
    }
    Ok(RollUp {
        year,
        areas: areas.len(),
        streams,
        total,
    })
}

/// How many areas got each outcome for each condition, from each area's
/// checks of one year (as [`check_all`](crate::conditions::check_all)
/// gives them). A national condition is counted under its calendar key; a
/// funding rule under its [`Condition`](crate::verdict::Condition)'s name.
#[must_use]
pub fn outcomes(checks: &[Vec<ConditionCheck>]) -> BTreeMap<(String, Outcome), usize> {
    let mut out: BTreeMap<(String, Outcome), usize> = BTreeMap::new();
    for c in checks.iter().flatten() {
        let key = match (&c.national, c.condition) {
            (Some(k), _) => k.clone(),
            (None, condition) => condition.to_string(),
        };
        *out.entry((key, c.outcome)).or_insert(0) += 1;
    }
    out
}

/// An uplift applied area by area and nationally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaUplift {
    /// Each area's uplifted amount, rounded as its plan must show it.
    pub areas: Vec<(String, Money)>,
    /// Their sum: the national figure the areas' plans add to.
    pub sum_of_areas: Money,
    /// The national total uplifted and rounded once (what the areas' plans
    /// do not add to, unless rounding happens to agree).
    pub national: Money,
    /// `sum_of_areas - national`: at most half a rounding step an area
    /// either way.
    pub difference: Money,
}

/// `percent` applied to each area's amount and rounded to `precision`
/// there, the results added; and the same applied to the national total.
///
/// # Errors
///
/// [`MoneyError::Overflow`] if `percent` has more than 26 decimal places or
/// an amount, uplift or sum is beyond the decimal range.
pub fn uplift_by_area(
    areas: &[(&str, Money)],
    percent: Decimal,
    precision: Precision,
    rounding: Rounding,
) -> Result<AreaUplift, MoneyError> {
    let mut out = Vec::with_capacity(areas.len());
    let mut sum = Money::ZERO;
    let mut national = Money::ZERO;
    for (area, amount) in areas {
        let up = uplift(*amount, percent, precision, rounding)?;
        sum = sum.checked_add(up)?;
        national = national.checked_add(*amount)?;
        out.push(((*area).to_string(), up));
    }
    let national = uplift(national, percent, precision, rounding)?;
    Ok(AreaUplift {
        areas: out,
        sum_of_areas: sum,
        national,
        difference: sum.checked_sub(national)?,
    })
}
