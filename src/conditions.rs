//! National conditions and funding rules (docs/domain.md section 4): dated policy
//! parameters, the NHS minimum contribution uplift, and the condition checks a
//! BCF plan is assured against.
//!
//! Rules that change every planning year live in a [`PolicyParameters`]
//! table, one [`PolicyRule`] per parameter and span of years, each with its
//! source and whether it is confirmed. The defaults ship as data
//! ([`crate::data::policy_parameters`]); callers can read their own
//! ([`crate::io::policy::read_policy_parameters`]), override a year with
//! [`PolicyParameters::set`], and write the table back out
//! ([`crate::io::policy::write_policy_parameters`]). Asking
//! for a year with no rule is a [`ConditionError::MissingParameter`] naming the
//! year, never a silent zero.
//!
//! Each check returns a [`ConditionCheck`]: [`Outcome::Met`],
//! [`Outcome::NotMet`] or [`Outcome::CannotTell`], with the [`Figure`]s behind
//! it and [`ConditionFinding`]s saying why.
//!
//! ```
//! use bcf_model::conditions::{check_all, ConditionInputs, PolicyParameters};
//! use bcf_model::verdict::{Condition, Outcome};
//!
//! let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
//! let params = bcf_model::data::policy_parameters()?;
//! let inputs = bcf_model::data::leicestershire::condition_inputs()?;
//! let y = "2018/19".parse()?;
//! let checks = check_all(&plan, &params, &inputs, y)?;
//! let uplift = checks.iter().find(|c| c.condition == Condition::NhsMinimumUplift).ok_or("not found")?;
//! assert_eq!(uplift.outcome, Outcome::Met);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::FinancialYear;
use crate::dfg::{check_plan_passport, DfgAllocations, DfgError, RetentionAgreement};
use crate::ibcf::{check_pooled, GrantProfile, IbcfError};
use crate::money::{percent_fraction, Money, MoneyError, Precision, Rounding};
use crate::plan::{Commissioner, Funding, FundingSourceKind, LineFlag, Plan};
use crate::reconcile::{reconcile, Agreement, FindingKind, ReconcileError};
use crate::verdict::{Condition, ConditionCheck, ConditionFinding, Figure, Outcome};

/// A policy parameter that varies by planning year.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Parameter {
    /// The uplift of the NHS (CCG/ICB) minimum contribution, percent.
    NhsMinimumUplift,
    /// The NHS-commissioned out-of-hospital ring-fence as a share of the CCG
    /// minimum contribution, percent.
    OutOfHospitalShare,
    /// Any other parameter the caller keeps, by key.
    Other(String),
}

impl Parameter {
    /// The key used in data files, e.g. `nhs_minimum_uplift`.
    pub fn key(&self) -> &str {
        match self {
            Parameter::NhsMinimumUplift => "nhs_minimum_uplift",
            Parameter::OutOfHospitalShare => "out_of_hospital_share",
            Parameter::Other(k) => k,
        }
    }
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Parameter {
    type Err = String;

    /// Parses a key; an unknown key is [`Parameter::Other`]. Empty keys and
    /// keys with characters other than ASCII letters, digits and `_` are refused.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t {
            "nhs_minimum_uplift" => Ok(Parameter::NhsMinimumUplift),
            "out_of_hospital_share" => Ok(Parameter::OutOfHospitalShare),
            _ if !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                Ok(Parameter::Other(t.to_string()))
            }
            _ => Err(format!(
                "{s:?} is not a parameter key (letters, digits and _ only, e.g. nhs_minimum_uplift)"
            )),
        }
    }
}

/// One dated rule: the value of a parameter from one financial year to
/// another (inclusive), or onward when `to` is `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRule {
    /// Which parameter.
    pub parameter: Parameter,
    /// The first year it applies to.
    pub from: FinancialYear,
    /// The last year it applies to; `None` for "and every year after".
    pub to: Option<FinancialYear>,
    /// The value, in percent (e.g. `1.9` for 1.9%).
    pub value_percent: Decimal,
    /// Whether the value is confirmed by a published source (`false` for a
    /// value derived or assumed locally).
    pub confirmed: bool,
    /// Where the value comes from.
    pub source: String,
}

impl PolicyRule {
    /// A rule for a single year.
    pub fn for_year(parameter: Parameter, year: FinancialYear, value_percent: Decimal, source: &str) -> PolicyRule {
        PolicyRule {
            parameter,
            from: year,
            to: Some(year),
            value_percent,
            confirmed: false,
            source: source.to_string(),
        }
    }

    /// Whether the rule applies to `year`.
    pub fn applies_to(&self, year: FinancialYear) -> bool {
        year >= self.from && self.to.map_or(true, |t| year <= t)
    }

    /// The value as a fraction (1.9% is `0.019`), exactly; fails only for a
    /// percentage of more than 26 decimals.
    pub fn fraction(&self) -> Result<Decimal, MoneyError> {
        percent_fraction(self.value_percent)
    }

    pub(crate) fn overlaps(&self, other: &PolicyRule) -> bool {
        self.parameter == other.parameter
            && self.to.map_or(true, |t| other.from <= t)
            && other.to.map_or(true, |t| self.from <= t)
    }
}

/// A table of dated policy rules. When several rules cover the same
/// parameter and year (after an override), the one added last wins.
///
/// ```
/// use bcf_model::conditions::{Parameter, PolicyParameters, PolicyRule};
/// use rust_decimal::Decimal;
///
/// let mut params = bcf_model::data::policy_parameters()?;
/// let y = "2018/19".parse()?;
/// assert_eq!(params.percent(&Parameter::NhsMinimumUplift, y)?, Decimal::new(19, 1));
/// // a year with no rule is an error naming the year
/// let gap = "2019/20".parse()?;
/// let err = params.percent(&Parameter::NhsMinimumUplift, gap).unwrap_err();
/// assert!(err.to_string().contains("2019/20"));
/// // the caller supplies it
/// params.set(PolicyRule::for_year(Parameter::NhsMinimumUplift, gap, Decimal::new(34, 1), "local assumption"));
/// assert_eq!(params.percent(&Parameter::NhsMinimumUplift, gap)?, Decimal::new(34, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyParameters {
    /// The rules, in the order given; later rules override earlier ones.
    pub rules: Vec<PolicyRule>,
}

impl PolicyParameters {
    /// Adds a rule that overrides any earlier rule for the same parameter
    /// and years.
    pub fn set(&mut self, rule: PolicyRule) {
        self.rules.push(rule);
    }

    /// The rule for `parameter` in `year` (the last one added that covers it).
    pub fn rule(&self, parameter: &Parameter, year: FinancialYear) -> Result<&PolicyRule, ConditionError> {
        self.rules
            .iter()
            .rev()
            .find(|r| &r.parameter == parameter && r.applies_to(year))
            .ok_or_else(|| ConditionError::MissingParameter {
                parameter: parameter.clone(),
                year,
            })
    }

    /// The value of `parameter` in `year`, percent.
    pub fn percent(&self, parameter: &Parameter, year: FinancialYear) -> Result<Decimal, ConditionError> {
        self.rule(parameter, year).map(|r| r.value_percent)
    }
}

/// A failure that stops a check (as opposed to a condition not being met).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
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

fn percent_factor(percent: Decimal) -> Result<Decimal, MoneyError> {
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
fn nhs_minimum_precision(plan: &Plan, contributor: &str, year: FinancialYear) -> Precision {
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
fn ratio_percent(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        return None;
    }
    num.checked_sub(den)
        .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
        .and_then(|d| d.checked_div(den))
        .map(|r| r.normalize())
}

fn year_in_plan(plan: &Plan, year: FinancialYear) -> Result<(), ConditionError> {
    if plan.year_index(year).is_some() {
        Ok(())
    } else {
        Err(ConditionError::YearNotInPlan {
            year,
            plan_years: plan
                .years()
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

/// A party's sign-off of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    /// The party: a contributor id, or `hwb` for the Health and Wellbeing Board.
    pub party: String,
    /// Who signed for it.
    pub signed_by: String,
    /// When, if known.
    pub date: Option<NaiveDate>,
}

/// The NHS contribution to adult social care required in a base year, from
/// which later years' requirements follow by the uplift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialCareBaseline {
    /// The base year.
    pub year: FinancialYear,
    /// The amount required in the base year.
    pub required: Money,
    /// Each later year's requirement is rounded to this precision.
    pub precision: Precision,
    /// With this rounding.
    pub rounding: Rounding,
}

/// Figures for the out-of-hospital ring-fence check that are supplied rather
/// than computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfHospitalInputs {
    /// The ring-fence as published; when `None` it is computed from the
    /// [`Parameter::OutOfHospitalShare`] of the NHS minimum.
    pub ring_fence: Option<Money>,
    /// The planned out-of-hospital spend as published; when `None` it is
    /// computed from the lines flagged
    /// [`LineFlag::NhsCommissionedOutOfHospital`].
    pub planned_spend: Option<Money>,
    /// The precision the ring-fence is stated to (published: whole £'000).
    pub precision: Precision,
}

impl Default for OutOfHospitalInputs {
    fn default() -> Self {
        OutOfHospitalInputs {
            ring_fence: None,
            planned_spend: None,
            precision: Precision::THOUSANDS,
        }
    }
}

/// Everything the checks need besides the plan and the policy parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConditionInputs {
    /// Sign-offs recorded.
    pub sign_offs: Vec<SignOff>,
    /// The parties that must sign; empty means every contributor plus `hwb`.
    pub required_parties: Vec<String>,
    /// The social-care requirement to uplift from, if known.
    pub social_care_baseline: Option<SocialCareBaseline>,
    /// Supplied out-of-hospital figures, by year.
    pub out_of_hospital: BTreeMap<FinancialYear, OutOfHospitalInputs>,
    /// DFG allocations per district, if known (names the districts short).
    pub dfg_allocations: Option<DfgAllocations>,
    /// Recorded local agreements to retain part of the DFG.
    pub dfg_agreements: Vec<RetentionAgreement>,
    /// Grants that must be pooled (iBCF, Winter Pressures): each is checked
    /// with [`check_pooled`] in every year its profile covers.
    pub pooled_grants: Vec<GrantProfile>,
}

/// One year of the published out-of-hospital ring-fence table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedOutOfHospital {
    /// The year.
    pub year: FinancialYear,
    /// The ring-fence.
    pub ring_fence: Money,
    /// The planned out-of-hospital spend from the CCG minimum.
    pub planned_spend: Money,
    /// The printed variance.
    pub variance: Money,
}

/// (a) Whether every required party has signed the plan off. With no
/// sign-off recorded at all the answer is [`Outcome::CannotTell`].
///
/// ```
/// use bcf_model::conditions::{check_plan_agreed, ConditionInputs, SignOff};
/// use bcf_model::verdict::Outcome;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let sign = |party: &str| SignOff { party: party.into(), signed_by: "Chair".into(), date: None };
/// let mut inputs = ConditionInputs::default();
/// inputs.sign_offs = vec![sign("wl_ccg"), sign("elr_ccg"), sign("lcc")];
/// let c = check_plan_agreed(&plan, &inputs, "2017/18".parse()?);
/// assert_eq!(c.outcome, Outcome::NotMet); // the Health and Wellbeing Board has not signed
/// inputs.sign_offs.push(sign("hwb"));
/// assert_eq!(check_plan_agreed(&plan, &inputs, "2017/18".parse()?).outcome, Outcome::Met);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_plan_agreed(plan: &Plan, inputs: &ConditionInputs, year: FinancialYear) -> ConditionCheck {
    let mut check = ConditionCheck::new(Condition::PlanAgreed, year);
    let required: Vec<String> = if inputs.required_parties.is_empty() {
        plan.contributors()
            .iter()
            .map(|c| c.id.clone())
            .chain(std::iter::once("hwb".to_string()))
            .collect()
    } else {
        inputs.required_parties.clone()
    };
    for s in &inputs.sign_offs {
        let when = s.date.map(|d| format!(" on {d}")).unwrap_or_default();
        check.figures.push(Figure::text(
            format!("signed off: {}", s.party),
            format!("{}{when}", s.signed_by),
        ));
    }
    for p in &required {
        if !inputs.sign_offs.iter().any(|s| &s.party == p) {
            check
                .findings
                .push(ConditionFinding::MissingSignOff { party: p.clone() });
        }
    }
    check.outcome = if inputs.sign_offs.is_empty() {
        check.findings.clear();
        check.findings.push(ConditionFinding::Note(
            "no sign-off is recorded for this plan".to_string(),
        ));
        Outcome::CannotTell
    } else if check.findings.is_empty() {
        Outcome::Met
    } else {
        Outcome::NotMet
    };
    check
}

/// Whether each NHS contributor's minimum contribution in `year` is at least
/// its previous year's, uplifted by the year's [`Parameter::NhsMinimumUplift`]
/// and rounded to the plan's input precision per contributor. Cannot tell
/// for a plan's first year (no previous year in the plan).
pub fn check_nhs_minimum_uplift(
    plan: &Plan,
    params: &PolicyParameters,
    year: FinancialYear,
) -> Result<ConditionCheck, ConditionError> {
    year_in_plan(plan, year)?;
    let mut check = ConditionCheck::new(Condition::NhsMinimumUplift, year);
    let rule = params.rule(&Parameter::NhsMinimumUplift, year)?;
    check
        .figures
        .push(Figure::percent("uplift (policy)", rule.value_percent));
    let prior = match year.previous() {
        Ok(p) if plan.year_index(p).is_some() => p,
        _ => {
            check.findings.push(ConditionFinding::Note(format!(
                "the plan does not cover the year before {year}, so the uplift into it cannot be checked"
            )));
            return Ok(check);
        }
    };
    let before = nhs_minimum_by_contributor(plan, prior)?;
    let after = nhs_minimum_by_contributor(plan, year)?;
    let mut required_total = Money::ZERO;
    let mut actual_total = Money::ZERO;
    let mut short = false;
    for (id, a) in &before {
        let precision = nhs_minimum_precision(plan, id, year);
        let required = uplift(*a, rule.value_percent, precision, Rounding::HalfAwayFromZero)?;
        let actual = after.iter().find(|(i, _)| i == id).map_or(Money::ZERO, |(_, m)| *m);
        check.figures.push(Figure::money(format!("{id} {prior}"), *a));
        check
            .figures
            .push(Figure::money(format!("{id} {year} required"), required));
        check
            .figures
            .push(Figure::money(format!("{id} {year} planned"), actual));
        required_total = required_total.checked_add(required)?;
        actual_total = actual_total.checked_add(actual)?;
        if actual < required {
            short = true;
            check.findings.push(ConditionFinding::Shortfall {
                what: format!("{id} NHS minimum {year}"),
                required,
                actual,
                shortfall: required.checked_sub(actual)?,
            });
        }
    }
    check
        .figures
        .push(Figure::money("required (sum of rounded)", required_total));
    check.figures.push(Figure::money("planned", actual_total));
    let detected = detect_uplift(plan, prior, year)?;
    if let Some(p) = detected.uplift_percent {
        check.figures.push(Figure::percent("uplift applied (detected)", p));
    }
    check.outcome = if before.is_empty() {
        check.findings.push(ConditionFinding::Note(format!(
            "no NHS minimum contribution in {prior}"
        )));
        Outcome::CannotTell
    } else if short {
        Outcome::NotMet
    } else {
        Outcome::Met
    };
    Ok(check)
}

/// The kinds of the sources behind one of the plan's own amounts' funding
/// (the builder resolved every funding and group member to the plan's).
fn source_kind_of(plan: &Plan, funding: Funding) -> Vec<&FundingSourceKind> {
    let own = "an amount's funding, and a group's members, are sources of its own plan";
    match funding {
        Funding::Source(s) => vec![&plan.source(s).expect(own).kind],
        Funding::Group(g) => plan
            .group(g)
            .expect(own)
            .members
            .iter()
            .map(|m| &plan.source_ix(m).and_then(|ix| plan.source(ix)).expect(own).kind)
            .collect(),
    }
}

/// (b) Whether the lines flagged [`LineFlag::MaintainsSocialCare`] and funded
/// from the NHS minimum reach the required NHS contribution to adult social
/// care in `year`: the baseline's requirement uplifted year by year
/// (rounded each year). Spend funded by the iBCF does not count.
pub fn check_social_care_maintained(
    plan: &Plan,
    params: &PolicyParameters,
    inputs: &ConditionInputs,
    year: FinancialYear,
) -> Result<ConditionCheck, ConditionError> {
    year_in_plan(plan, year)?;
    let mut check = ConditionCheck::new(Condition::SocialCareMaintained, year);
    let mut spend = Money::ZERO;
    let mut ibcf = Money::ZERO;
    let mut flagged = 0usize;
    for line in plan
        .lines()
        .iter()
        .filter(|l| l.attributes().flags.contains(&LineFlag::MaintainsSocialCare))
    {
        flagged += 1;
        for a in line.amounts().filter(|a| a.year == year) {
            let kinds = source_kind_of(plan, a.funding);
            if kinds.iter().any(|k| k.is_ibcf()) {
                ibcf = ibcf.checked_add(a.amount)?;
            } else if kinds.iter().all(|k| **k == FundingSourceKind::NhsMinimum) && !kinds.is_empty() {
                spend = spend.checked_add(a.amount)?;
            }
        }
    }
    check
        .figures
        .push(Figure::money("flagged spend from NHS minimum", spend));
    if !ibcf.is_zero() {
        check.findings.push(ConditionFinding::IbcfExcluded { amount: ibcf });
    }
    if flagged == 0 {
        check.findings.push(ConditionFinding::NoFlaggedLines {
            flag: LineFlag::MaintainsSocialCare,
        });
        return Ok(check);
    }
    let Some(base) = inputs.social_care_baseline else {
        check.findings.push(ConditionFinding::Note(
            "no social-care baseline supplied to uplift from".to_string(),
        ));
        return Ok(check);
    };
    if base.year > year {
        check.findings.push(ConditionFinding::Note(format!(
            "the social-care baseline is for {}, after {year}",
            base.year
        )));
        return Ok(check);
    }
    let mut required = base.required;
    let mut y = base.year;
    check
        .figures
        .push(Figure::money(format!("required {}", base.year), required));
    while y < year {
        y = y.next().map_err(|_| ConditionError::MissingParameter {
            parameter: Parameter::NhsMinimumUplift,
            year,
        })?;
        let p = params.percent(&Parameter::NhsMinimumUplift, y)?;
        required = uplift(required, p, base.precision, base.rounding)?;
        check.figures.push(Figure::percent(format!("uplift {y}"), p));
        check.figures.push(Figure::money(format!("required {y}"), required));
    }
    if spend >= required {
        check.outcome = Outcome::Met;
    } else {
        check.outcome = Outcome::NotMet;
        check.findings.push(ConditionFinding::Shortfall {
            what: "NHS contribution to adult social care".to_string(),
            required,
            actual: spend,
            shortfall: required.checked_sub(spend)?,
        });
    }
    Ok(check)
}

/// The NHS-commissioned out-of-hospital spend from the NHS minimum on the
/// lines flagged [`LineFlag::NhsCommissionedOutOfHospital`], with joint lines
/// counted at their NHS share. Returns the spend and the number of flagged
/// lines; `None` if a joint line's shares do not add to exactly 100%.
fn flagged_out_of_hospital(plan: &Plan, year: FinancialYear) -> Result<Option<(Money, usize)>, ConditionError> {
    let mut spend = Money::ZERO;
    let mut n = 0;
    for line in plan
        .lines()
        .iter()
        .filter(|l| l.attributes().flags.contains(&LineFlag::NhsCommissionedOutOfHospital))
    {
        n += 1;
        let share = match line.attributes().commissioner {
            Some(Commissioner::Joint {
                nhs_percent,
                la_percent,
            }) => {
                if nhs_percent.checked_add(la_percent) != Some(Decimal::ONE_HUNDRED)
                    || nhs_percent.is_sign_negative()
                    || la_percent.is_sign_negative()
                {
                    return Ok(None);
                }
                percent_fraction(nhs_percent)?
            }
            Some(c) => c.nhs_share()?,
            None => Decimal::ONE,
        };
        for a in line.amounts().filter(|a| a.year == year) {
            let kinds = source_kind_of(plan, a.funding);
            if !kinds.is_empty() && kinds.iter().all(|k| **k == FundingSourceKind::NhsMinimum) {
                spend = spend.checked_add(a.amount.checked_mul(share)?)?;
            }
        }
    }
    Ok(Some((spend, n)))
}

/// (c) Whether NHS-commissioned out-of-hospital spend from the NHS minimum
/// is at least the ring-fence in `year`, with the variance (spend minus
/// ring-fence).
///
/// The ring-fence is the supplied published figure, or else the year's
/// [`Parameter::OutOfHospitalShare`] of the NHS minimum rounded to the
/// inputs' precision (whole £'000 by default). When both are available the
/// computed one is shown beside the published one. The spend is the
/// supplied published figure, or else computed from flagged lines (joint
/// lines at their % NHS).
///
/// ```
/// use bcf_model::conditions::{check_out_of_hospital, ConditionInputs, PolicyParameters};
/// use bcf_model::verdict::Outcome;
/// use bcf_model::money::{Money, Unit};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let c = check_out_of_hospital(&plan, &bcf_model::data::policy_parameters()?, &bcf_model::data::leicestershire::condition_inputs()?, "2017/18".parse()?)?;
/// assert_eq!(c.outcome, Outcome::Met);
/// assert_eq!(c.money("ring-fence"), Some(Money::parse("10,424", Unit::Thousands)?));
/// assert_eq!(c.money("variance"), Some(Money::parse("3,640", Unit::Thousands)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_out_of_hospital(
    plan: &Plan,
    params: &PolicyParameters,
    inputs: &ConditionInputs,
    year: FinancialYear,
) -> Result<ConditionCheck, ConditionError> {
    year_in_plan(plan, year)?;
    let mut check = ConditionCheck::new(Condition::OutOfHospitalRingFence, year);
    // No figures supplied for the year: nothing published to check against
    // (the default inputs), and the ring-fence is computed from the share.
    let supplied = inputs.out_of_hospital.get(&year).copied().unwrap_or_default();
    let minimum = Money::checked_sum(nhs_minimum_by_contributor(plan, year)?.into_iter().map(|(_, m)| m))?;
    check.figures.push(Figure::money("NHS minimum", minimum));
    let computed = match params.rule(&Parameter::OutOfHospitalShare, year) {
        Ok(rule) => {
            check
                .figures
                .push(Figure::percent("ring-fence share (policy)", rule.value_percent));
            if !rule.confirmed {
                check.findings.push(ConditionFinding::Note(format!(
                    "the ring-fence share is not confirmed: {}",
                    rule.source
                )));
            }
            Some(
                minimum
                    .checked_mul(rule.fraction()?)?
                    .round(supplied.precision, Rounding::HalfAwayFromZero)?,
            )
        }
        Err(e) if supplied.ring_fence.is_some() => {
            check.findings.push(ConditionFinding::Note(e.to_string()));
            None
        }
        Err(e) => return Err(e),
    };
    let ring_fence = match (supplied.ring_fence, computed) {
        (Some(published), Some(c)) => {
            check.figures.push(Figure::money("ring-fence (from share)", c));
            if c != published {
                check.findings.push(ConditionFinding::Note(format!(
                    "the ring-fence computed from the share, {c}, differs from the published {published}"
                )));
            }
            check.figures.push(Figure::text("ring-fence basis", "published figure"));
            published
        }
        (Some(published), None) => {
            check.figures.push(Figure::text("ring-fence basis", "published figure"));
            published
        }
        (None, Some(c)) => {
            check
                .figures
                .push(Figure::text("ring-fence basis", "share of the NHS minimum"));
            c
        }
        (None, None) => return Ok(check),
    };
    check.figures.push(Figure::money("ring-fence", ring_fence));
    let spend = match supplied.planned_spend {
        Some(s) => {
            check.figures.push(Figure::text("spend basis", "published figure"));
            s
        }
        None => match flagged_out_of_hospital(plan, year)? {
            None => {
                check.findings.push(ConditionFinding::Note(
                    "a joint line's % NHS and % LA do not add to exactly 100".to_string(),
                ));
                return Ok(check);
            }
            Some((_, 0)) => {
                check.findings.push(ConditionFinding::NoFlaggedLines {
                    flag: LineFlag::NhsCommissionedOutOfHospital,
                });
                return Ok(check);
            }
            Some((s, _)) => {
                check
                    .figures
                    .push(Figure::text("spend basis", "flagged lines (joint lines at % NHS)"));
                s
            }
        },
    };
    check
        .figures
        .push(Figure::money("planned out-of-hospital spend", spend));
    let variance = spend.checked_sub(ring_fence)?;
    check.figures.push(Figure::money("variance", variance));
    if variance.is_negative() {
        check.outcome = Outcome::NotMet;
        check.findings.push(ConditionFinding::Shortfall {
            what: "NHS-commissioned out-of-hospital spend".to_string(),
            required: ring_fence,
            actual: spend,
            shortfall: variance.negate(),
        });
    } else {
        check.outcome = Outcome::Met;
    }
    Ok(check)
}

/// (d) Whether every funding source (or group) is fully planned in `year`
/// (the spend it funds equals its income, per contributor, to within
/// rounding of the printed figures), and whether the DFG is passported to
/// the districts in full or as a recorded local agreement allows.
///
/// ```
/// use bcf_model::conditions::{check_funding_fully_planned, ConditionInputs};
/// use bcf_model::verdict::{ConditionFinding, Outcome};
/// use bcf_model::money::{Money, Unit};
///
/// let y = "2018/19".parse()?;
/// let inputs = bcf_model::data::leicestershire::condition_inputs()?;
/// // pass £50,000 less to Melton, with no recorded agreement
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan.with_line_amounts(|line, a| {
///     (line.name() == "Melton BC" && a.year == y && a.amount.is_positive())
///         .then(|| a.amount.checked_sub(Money::from_pence(5_000_000)).unwrap_or(a.amount))
/// })?;
/// let c = check_funding_fully_planned(&plan, &inputs, y)?;
/// assert_eq!(c.outcome, Outcome::NotMet);
/// assert!(c.findings.contains(&ConditionFinding::DfgNotPassported {
///     districts: vec!["Melton".to_string()],
///     shortfall: Money::parse("50.0", Unit::Thousands)?,
/// }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_funding_fully_planned(
    plan: &Plan,
    inputs: &ConditionInputs,
    year: FinancialYear,
) -> Result<ConditionCheck, ConditionError> {
    year_in_plan(plan, year)?;
    let mut check = ConditionCheck::new(Condition::FundingFullyPlanned, year);
    let rec = reconcile(plan)?;
    let mut failed = false;
    for class in plan.funding_classes() {
        let own = "the reconciliation of this plan has a total for each of its classes and years";
        let income = rec.totals.funding_income(&class.id, year).expect(own);
        let spend = rec.totals.funding_spend(&class.id, year).expect(own);
        check
            .figures
            .push(Figure::money(format!("{} income", class.id), income));
        check.figures.push(Figure::money(format!("{} spend", class.id), spend));
    }
    for f in rec
        .findings
        .iter()
        .filter(|f| f.year == year && f.kind == FindingKind::FundingMismatch)
    {
        let funding = f.funding.clone().expect("a funding mismatch names its funding class");
        match f.comparison.agreement {
            Agreement::Error => {
                failed = true;
                check.findings.push(ConditionFinding::FundingMismatch {
                    funding,
                    contributor: f.contributor_id.clone(),
                    income: f.comparison.stated,
                    spend: f.comparison.computed,
                });
            }
            Agreement::Rounding => check.findings.push(ConditionFinding::RoundingDifference {
                what: format!("{funding} ({})", f.contributor_id),
                difference: f.comparison.difference,
            }),
            Agreement::Exact => {}
        }
    }
    let has_dfg = plan.sources().iter().any(|s| s.kind == FundingSourceKind::Dfg);
    if has_dfg {
        let p = check_plan_passport(plan, year, inputs.dfg_allocations.as_ref(), &inputs.dfg_agreements)?;
        check.figures.push(Figure::money("DFG income", p.income));
        check
            .figures
            .push(Figure::money("DFG passported to districts", p.passported));
        if !p.retained.is_zero() {
            check
                .figures
                .push(Figure::money("DFG retained by agreement", p.retained));
        }
        if !p.released.is_zero() {
            check
                .figures
                .push(Figure::money("DFG released from earlier years", p.released));
        }
        if p.agreement == Agreement::Error && p.shortfall.is_positive() {
            failed = true;
            check.findings.push(ConditionFinding::DfgNotPassported {
                districts: p.districts_short.clone(),
                shortfall: p.shortfall,
            });
        } else if p.agreement == Agreement::Rounding && p.shortfall.is_positive() {
            check.findings.push(ConditionFinding::RoundingDifference {
                what: "DFG passported".to_string(),
                difference: p.shortfall,
            });
        }
    }
    check.outcome = if failed { Outcome::NotMet } else { Outcome::Met };
    Ok(check)
}

/// Every check for `year`, in the order (a), NHS minimum uplift, (b), (c),
/// (d), then one [`Condition::GrantPooled`] check per grant in
/// [`ConditionInputs::pooled_grants`] whose profile covers the year.
///
/// ```
/// use bcf_model::conditions::{check_all, ConditionInputs, PolicyParameters};
/// use bcf_model::verdict::{Condition, Outcome};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let checks = check_all(&plan, &bcf_model::data::policy_parameters()?, &bcf_model::data::leicestershire::condition_inputs()?, "2017/18".parse()?)?;
/// for c in &checks {
///     println!("{}", c.render(bcf_model::money::Precision::THOUSANDS_1DP));
/// }
/// let d = checks.iter().find(|c| c.condition == Condition::FundingFullyPlanned).ok_or("not found")?;
/// assert_eq!(d.outcome, Outcome::Met);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_all(
    plan: &Plan,
    params: &PolicyParameters,
    inputs: &ConditionInputs,
    year: FinancialYear,
) -> Result<Vec<ConditionCheck>, ConditionError> {
    let mut checks = vec![
        check_plan_agreed(plan, inputs, year),
        check_nhs_minimum_uplift(plan, params, year)?,
        check_social_care_maintained(plan, params, inputs, year)?,
        check_out_of_hospital(plan, params, inputs, year)?,
        check_funding_fully_planned(plan, inputs, year)?,
    ];
    for grant in inputs.pooled_grants.iter().filter(|g| g.amount(year).is_some()) {
        checks.push(check_pooled(plan, grant, year)?);
    }
    Ok(checks)
}
