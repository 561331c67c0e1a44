//! The NHS minimum contribution uplift: applying a year's uplift, chaining
//! it over years, and detecting the uplift a plan applies.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::*;
use crate::calendar::FinancialYear;
use crate::money::{percent_fraction, Money, MoneyError, Precision, Rounding};
use crate::plan::{FundingSourceKind, Plan};

pub(super) fn percent_factor(percent: Decimal) -> Result<Decimal, MoneyError> {
    let overflow = || MoneyError::Overflow {
        op: "uplift",
        left: "1".to_string(),
        right: format!("{percent}%"),
    };
    percent_fraction(percent)?
        .checked_add(Decimal::ONE)
        .ok_or_else(overflow)
}

/// `amount × (1 + percent / 100)`, rounded to `precision` with `rounding`.
///
/// # Errors
///
/// [`MoneyError::Overflow`] if `percent` has more than 26 decimal places, or the
/// uplifted or rounded amount is beyond the decimal range.
///
/// ```
/// use bcf_model::conditions::uplift;
/// use bcf_model::money::{Money, Precision, Rounding, Unit};
/// use rust_decimal::Decimal;
///
/// let wl = Money::parse("20,843.5", Unit::Thousands)?;
/// let next = uplift(wl, Decimal::new(19, 1), Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero)?;
/// assert_eq!(next, Money::parse("21,239.5", Unit::Thousands)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn uplift(amount: Money, percent: Decimal, precision: Precision, rounding: Rounding) -> Result<Money, MoneyError> {
    amount.checked_mul(percent_factor(percent)?)?.round(precision, rounding)
}

/// One year of an uplift chain: each contributor's amount, rounded on its
/// own, and their sum (a sum of rounded amounts, as national totals are).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpliftStep {
    /// The year.
    pub year: FinancialYear,
    /// The uplift applied into this year, percent.
    pub percent: Decimal,
    /// Each contributor's amount (id, amount).
    pub amounts: Vec<(String, Money)>,
    /// The sum of the rounded amounts.
    pub total: Money,
}

/// Uplifts each contributor's `base` amount year by year through `years`
/// (each year's uplift from `params`), rounding every contributor's amount to
/// `precision` after every year, before anything is summed.
///
/// # Errors
///
/// [`ConditionError::MissingParameter`] if `params` has no
/// [`Parameter::NhsMinimumUplift`] rule for one of `years`, and
/// [`ConditionError::Money`] if an uplift or a year's total is beyond the
/// decimal range.
///
/// ```
/// use bcf_model::conditions::{uplift_chain, PolicyParameters};
/// use bcf_model::money::{Money, Precision, Rounding, Unit};
///
/// let params = bcf_model::data::policy_parameters()?;
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// let base = vec![("wl_ccg".to_string(), k("20,843.5")?), ("elr_ccg".to_string(), k("15,838.1")?)];
/// let steps = uplift_chain(&base, &["2018/19".parse()?], &params, Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero)?;
/// assert_eq!(steps[0].total, k("37,378.5")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn uplift_chain(
    base: &[(String, Money)],
    years: &[FinancialYear],
    params: &PolicyParameters,
    precision: Precision,
    rounding: Rounding,
) -> Result<Vec<UpliftStep>, ConditionError> {
    let mut current: Vec<(String, Money)> = base.to_vec();
    let mut out = Vec::with_capacity(years.len());
    for &year in years {
        let percent = params.percent(&Parameter::NhsMinimumUplift, year)?;
        let mut next = Vec::with_capacity(current.len());
        for (id, amount) in &current {
            next.push((id.clone(), uplift(*amount, percent, precision, rounding)?));
        }
        let total = Money::checked_sum(next.iter().map(|(_, m)| *m))?;
        out.push(UpliftStep {
            year,
            percent,
            amounts: next.clone(),
            total,
        });
        current = next;
    }
    Ok(out)
}

/// The NHS minimum contribution of each NHS contributor in `year`: the sum of
/// its allocations from sources of kind [`FundingSourceKind::NhsMinimum`].
/// Contributors with no such allocation are left out.
///
/// # Errors
///
/// [`MoneyError::Overflow`] if a contributor's sum is beyond the decimal range.
pub fn nhs_minimum_by_contributor(plan: &Plan, year: FinancialYear) -> Result<Vec<(String, Money)>, MoneyError> {
    let mut out: Vec<(String, Money)> = Vec::new();
    for (ix, c) in plan.contributors_indexed() {
        let mut total = Money::ZERO;
        let mut any = false;
        for a in plan
            .allocations()
            .iter()
            .filter(|a| a.contributor == ix && a.year == year)
        {
            if plan
                .source(a.source)
                .is_some_and(|s| s.kind == FundingSourceKind::NhsMinimum)
            {
                total = total.checked_add(a.amount)?;
                any = true;
            }
        }
        if any {
            out.push((c.id.clone(), total));
        }
    }
    Ok(out)
}

/// The precision a required NHS minimum is rounded to before it is set
/// against `contributor`'s planned NHS minimum in `year`: the precision its
/// planned figure is printed to (the finest, if it is several figures), or
/// the penny when the figures are exact.
pub(super) fn nhs_minimum_precision(plan: &Plan, contributor: &str, year: FinancialYear) -> Precision {
    let ix = plan.contributor_ix(contributor);
    plan.allocations()
        .iter()
        .filter(|a| Some(a.contributor) == ix && a.year == year)
        .filter(|a| {
            plan.source(a.source)
                .is_some_and(|s| s.kind == FundingSourceKind::NhsMinimum)
        })
        .filter_map(|a| a.precision)
        .min_by_key(|p| p.exponent())
        .unwrap_or(Precision::PENCE)
}

/// One contributor's growth between two years.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributorUplift {
    /// Contributor id.
    pub contributor: String,
    /// Its amount in the earlier year.
    pub from_amount: Money,
    /// Its amount in the later year.
    pub to_amount: Money,
    /// The precision its later amount is printed to, to which an uplift of
    /// the earlier amount is rounded (the penny for an exact amount).
    pub precision: Precision,
    /// `to / from - 1`, percent, to 28 significant digits (`None` if `from` is zero).
    pub growth_percent: Option<Decimal>,
}

/// The uplift a plan applies to the NHS minimum between two years.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpliftDetection {
    /// The earlier year.
    pub from: FinancialYear,
    /// The later year.
    pub to: FinancialYear,
    /// Each contributor's growth.
    pub contributors: Vec<ContributorUplift>,
    /// The lowest and highest uplift (percent) that, applied to every
    /// contributor and rounded to its precision, could give the later amounts;
    /// `None` if no single uplift can.
    pub range: Option<(Decimal, Decimal)>,
    /// The uplift with the fewest decimals (up to 6) that reproduces every
    /// contributor's later amount exactly when applied and rounded half away
    /// from zero; `None` if there is none.
    pub uplift_percent: Option<Decimal>,
}

/// Detects the uplift of the NHS minimum a plan applies from `from` to `to`,
/// contributor by contributor, allowing for the rounding of each later
/// amount to the precision it is printed to (pence if it is exact).
///
/// # Errors
///
/// [`ConditionError::YearNotInPlan`] if the plan does not cover `from` or `to`,
/// and [`ConditionError::Money`] if a sum or a trial uplift is beyond the
/// decimal range.
///
/// ```
/// use bcf_model::conditions::detect_uplift;
/// use rust_decimal::Decimal;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let d = detect_uplift(&plan, "2017/18".parse()?, "2018/19".parse()?)?;
/// assert_eq!(d.uplift_percent, Some(Decimal::new(19, 1))); // exactly 1.900%
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn detect_uplift(plan: &Plan, from: FinancialYear, to: FinancialYear) -> Result<UpliftDetection, ConditionError> {
    for y in [from, to] {
        year_in_plan(plan, y)?;
    }
    let before = nhs_minimum_by_contributor(plan, from)?;
    let after = nhs_minimum_by_contributor(plan, to)?;
    let mut contributors = Vec::new();
    let mut range: Option<(Decimal, Decimal)> = None;
    let mut possible = true;
    for (id, a) in &before {
        let Some((_, b)) = after.iter().find(|(i, _)| i == id) else {
            continue;
        };
        let precision = nhs_minimum_precision(plan, id, to);
        let half = precision.half_step().pounds();
        let growth_percent = ratio_percent(b.pounds(), a.pounds());
        if a.pounds() > Decimal::ZERO {
            let lo = b.pounds().checked_sub(half).and_then(|n| ratio_percent(n, a.pounds()));
            let hi = b.pounds().checked_add(half).and_then(|n| ratio_percent(n, a.pounds()));
            match (lo, hi) {
                (Some(lo), Some(hi)) => {
                    range = Some(match range {
                        None => (lo, hi),
                        Some((l, h)) => (l.max(lo), h.min(hi)),
                    });
                }
                _ => possible = false,
            }
        }
        contributors.push(ContributorUplift {
            contributor: id.clone(),
            from_amount: *a,
            to_amount: *b,
            precision,
            growth_percent,
        });
    }
    let range = range.filter(|(l, h)| possible && l <= h);
    let mut uplift_percent = None;
    if let Some((lo, hi)) = range {
        'search: for dp in 0..=6u32 {
            let step = Decimal::new(1, dp);
            let Some(candidate) = lo.checked_div(step).and_then(|q| q.ceil().checked_mul(step)) else {
                continue;
            };
            for c in [Some(candidate), candidate.checked_add(step)].into_iter().flatten() {
                if c > hi {
                    continue;
                }
                let mut all = true;
                for cu in &contributors {
                    let got = uplift(cu.from_amount, c, cu.precision, Rounding::HalfAwayFromZero)?;
                    if got != cu.to_amount {
                        all = false;
                        break;
                    }
                }
                if all {
                    uplift_percent = Some(c.normalize());
                    break 'search;
                }
            }
        }
    }
    Ok(UpliftDetection {
        from,
        to,
        contributors,
        range,
        uplift_percent,
    })
}

/// `(num / den - 1) × 100`, computed as `(num - den) × 100 / den` so that
/// the one division comes last: exact whenever the answer has 28 digits or
/// fewer (1.9% is exactly 1.9), else rounded in the 28th digit.
pub(super) fn ratio_percent(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        return None;
    }
    num.checked_sub(den)
        .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
        .and_then(|d| d.checked_div(den))
        .map(|r| r.normalize())
}

pub(super) fn year_in_plan(plan: &Plan, year: FinancialYear) -> Result<(), ConditionError> {
    if plan.year_index(year).is_some() {
        Ok(())
    } else {
        Err(ConditionError::YearNotInPlan {
            year,
            plan_years: crate::plan::years_text(plan.years()),
        })
    }
}
