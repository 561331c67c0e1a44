//! Passporting: what each district receives in a year under any recorded
//! [`RetentionAgreement`]s ([`passport`]), and whether a plan passports it
//! ([`check_plan_passport`]).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::FinancialYear;
use crate::money::{allocate, Money, Precision, Rounding, RoundingBound};
use crate::plan::{Funding, FundingSourceKind, Plan, SchemeLine};
use crate::reconcile::{classify, Agreement};

use super::{DfgAllocations, DfgError};

/// A later-year release of money retained under a [`RetentionAgreement`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The year the money is passed on to the districts.
    pub year: FinancialYear,
    /// How much.
    pub amount: Money,
}

/// A recorded local agreement to retain part of a year's DFG for other
/// strategic housing priorities instead of passporting it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionAgreement {
    /// The year the money is retained from.
    pub year: FinancialYear,
    /// How much is retained: from the named [`district`](Self::district)'s
    /// allocation, or else pro rata from every district's.
    pub amount: Money,
    /// The district it is retained from (and released back to), when the
    /// agreement names one; `None` takes it pro rata from every district.
    #[serde(default)]
    pub district: Option<String>,
    /// What it is retained for.
    pub purpose: String,
    /// The parties that agreed (the county and the districts).
    pub parties: Vec<String>,
    /// When it was agreed, if known.
    pub agreed_on: Option<NaiveDate>,
    /// If agreed, the later release of some or all of it to the districts.
    pub release: Option<Release>,
}

impl RetentionAgreement {
    fn validate(&self) -> Result<(), DfgError> {
        let bad = |problem: &str| DfgError::BadAgreement {
            year: self.year,
            purpose: self.purpose.clone(),
            problem: problem.to_string(),
        };
        if self.amount.is_negative() {
            return Err(bad("the amount retained is negative"));
        }
        if self.purpose.trim().is_empty() {
            return Err(bad("no purpose recorded"));
        }
        if self.parties.is_empty() {
            return Err(bad("no parties recorded"));
        }
        if let Some(r) = self.release {
            if r.year <= self.year {
                return Err(bad("a release must be in a later year"));
            }
            if r.amount.is_negative() || r.amount > self.amount {
                return Err(bad("the release must be between zero and the amount retained"));
            }
        }
        Ok(())
    }
}

/// What one district receives in a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictPassport {
    /// The district.
    pub district: String,
    /// Its allocation.
    pub allocation: Money,
    /// Its share of the amount retained by agreement.
    pub retained: Money,
    /// Its share of earlier retentions released this year.
    pub released: Money,
    /// `allocation - retained + released`.
    pub passed: Money,
}

/// A year's DFG passport to the districts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passport {
    /// The year.
    pub year: FinancialYear,
    /// The county's allocation (all districts).
    pub allocation: Money,
    /// Retained by agreement.
    pub retained: Money,
    /// Released from earlier retentions.
    pub released: Money,
    /// Passed to the districts.
    pub passed: Money,
    /// Each district.
    pub districts: Vec<DistrictPassport>,
}

/// Works out the DFG each district receives in `year`: its allocation in full,
/// less what agreements naming it retain that year and its pro-rata share (to
/// the penny) of what the other agreements retain, plus what is released
/// that year to it by name and its pro-rata share (to that year's
/// allocations) of the other releases. The parts always add up exactly.
///
/// # Errors
///
/// [`DfgError::NoYear`] if `allocations` has no allocations for `year`;
/// [`DfgError::BadAgreement`] if an agreement is invalid (a negative amount, no
/// purpose or parties, or a release not in a later year or not between zero and
/// the amount retained), if more is retained than the county's allocation or
/// than a named district's, if an agreement names a district with no
/// allocation that year, or if
/// an amount retained or released cannot be shared because no district has an
/// allocation in `year`; [`DfgError::Allocation`] or [`DfgError::Money`] if a
/// split or a sum is beyond the decimal range.
///
/// ```
/// use bcf_model::dfg::{passport, DfgAllocations, Release, RetentionAgreement};
/// use bcf_model::money::Money;
///
/// let dfg = bcf_model::data::leicestershire::dfg_allocations()?;
/// let keep = RetentionAgreement {
///     year: "2017/18".parse()?,
///     amount: Money::from_pence(10_000_000), // £100,000
///     purpose: "county-wide home adaptations service".into(),
///     parties: vec!["lcc".into(), "all seven districts".into()],
///     agreed_on: None,
///     release: Some(Release { year: "2018/19".parse()?, amount: Money::from_pence(10_000_000) }),
///     district: None, // pro rata; Some("Blaby".into()) takes it from Blaby alone
/// };
/// let p = passport(&dfg, "2017/18".parse()?, std::slice::from_ref(&keep))?;
/// assert_eq!(p.passed.to_string(), "£3,249,869.00");
/// let later = passport(&dfg, "2018/19".parse()?, &[keep])?;
/// assert_eq!(later.passed.to_string(), "£3,732,291.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn passport(
    allocations: &DfgAllocations,
    year: FinancialYear,
    agreements: &[RetentionAgreement],
) -> Result<Passport, DfgError> {
    let rows = allocations.year(year)?;
    let allocation = Money::checked_sum(rows.iter().map(|(_, m)| *m))?;
    let (retained, released) = retained_and_released(agreements, year)?;
    if retained > allocation {
        return Err(DfgError::BadAgreement {
            year,
            purpose: "all agreements".to_string(),
            problem: format!("{retained} retained is more than the allocation {allocation}"),
        });
    }
    // Agreements naming a district take from (and give back to) it alone;
    // the rest are shared pro rata.
    let mut named_kept: Vec<Money> = vec![Money::ZERO; rows.len()];
    let mut named_back: Vec<Money> = vec![Money::ZERO; rows.len()];
    let (mut shared_retained, mut shared_released) = (retained, released);
    for a in agreements {
        let Some(d) = &a.district else { continue };
        let Some(i) = rows.iter().position(|(n, _)| n == d) else {
            return Err(DfgError::BadAgreement {
                year,
                purpose: a.purpose.clone(),
                problem: format!(
                    "it names the district {}, which has no allocation in {year}",
                    crate::text::shown(d)
                ),
            });
        };
        if a.year == year {
            let kept = named_kept.get_mut(i).expect("one slot a district");
            *kept = kept.checked_add(a.amount)?;
            shared_retained = shared_retained.checked_sub(a.amount)?;
        }
        if let Some(r) = a.release.filter(|r| r.year == year) {
            let back = named_back.get_mut(i).expect("one slot a district");
            *back = back.checked_add(r.amount)?;
            shared_released = shared_released.checked_sub(r.amount)?;
        }
    }
    let weights: Vec<Decimal> = rows.iter().map(|(_, m)| m.pounds()).collect();
    let split = |amount: Money| -> Result<Vec<Money>, DfgError> {
        if amount.is_zero() {
            Ok(vec![Money::ZERO; weights.len()])
        } else if weights.iter().all(|w| w.is_zero()) {
            // Nothing to share it by: an error, never money lost.
            Err(DfgError::BadAgreement {
                year,
                purpose: "all agreements".to_string(),
                problem: format!("{amount} cannot be shared: no district has an allocation in {year}"),
            })
        } else {
            let exact = amount.round(Precision::PENCE, Rounding::HalfAwayFromZero)?;
            Ok(allocate(exact, &weights, Precision::PENCE)?)
        }
    };
    let retained_parts = split(shared_retained)?;
    let released_parts = split(shared_released)?;
    let mut districts = Vec::with_capacity(rows.len());
    let named = named_kept.into_iter().zip(named_back);
    for ((((district, alloc), shared_keep), shared_back), (named_keep, named_back)) in
        rows.into_iter().zip(retained_parts).zip(released_parts).zip(named)
    {
        let keep = shared_keep.checked_add(named_keep)?;
        let back = shared_back.checked_add(named_back)?;
        if keep > alloc {
            return Err(DfgError::BadAgreement {
                year,
                purpose: "agreements naming a district".to_string(),
                problem: format!(
                    "{keep} retained from {} is more than its allocation {alloc}",
                    crate::text::shown(&district)
                ),
            });
        }
        districts.push(DistrictPassport {
            passed: alloc.checked_sub(keep)?.checked_add(back)?,
            district,
            allocation: alloc,
            retained: keep,
            released: back,
        });
    }
    let passed = Money::checked_sum(districts.iter().map(|d| d.passed))?;
    Ok(Passport {
        year,
        allocation,
        retained: Money::checked_sum(districts.iter().map(|d| d.retained))?,
        released: Money::checked_sum(districts.iter().map(|d| d.released))?,
        passed,
        districts,
    })
}

/// How a plan passports its DFG in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPassportCheck {
    /// The year.
    pub year: FinancialYear,
    /// DFG income in the plan.
    pub income: Money,
    /// Retained under recorded agreements.
    pub retained: Money,
    /// Released from earlier retentions.
    pub released: Money,
    /// What should be passported: `income - retained + released`.
    pub expected: Money,
    /// DFG-funded spend on district lines.
    pub passported: Money,
    /// `expected - passported` (negative when more is passed on).
    pub shortfall: Money,
    /// How `passported` compares with `expected`, allowing for rounding of
    /// the plan's printed figures.
    pub agreement: Agreement,
    /// Each district line found: (district, DFG-funded amount).
    pub lines: Vec<(String, Money)>,
    /// The districts receiving less than their share (every district line
    /// when district allocations are not known).
    pub districts_short: Vec<String>,
}

fn is_dfg(plan: &Plan, funding: Funding) -> bool {
    match funding {
        Funding::Source(s) => plan.source(s).is_some_and(|s| s.kind == FundingSourceKind::Dfg),
        Funding::Group(_) => false,
    }
}

/// What `agreements` (each validated) retain in `year`, and what they
/// release into it from earlier retentions.
fn retained_and_released(agreements: &[RetentionAgreement], year: FinancialYear) -> Result<(Money, Money), DfgError> {
    let mut retained = Money::ZERO;
    let mut released = Money::ZERO;
    for a in agreements {
        a.validate()?;
        if a.year == year {
            retained = retained.checked_add(a.amount)?;
        }
        if let Some(r) = a.release.filter(|r| r.year == year) {
            released = released.checked_add(r.amount)?;
        }
    }
    Ok((retained, released))
}

/// The district a line passports DFG to: the known district whose name the
/// line's name starts with, or (under a "Disabled Facilities" sub-heading)
/// the line's own name. `None` if the line names no district.
fn district_of(line: &SchemeLine<'_>, known: &[String]) -> Option<String> {
    let name = line.name().to_ascii_lowercase();
    match known.iter().find(|d| name.starts_with(&d.to_ascii_lowercase())) {
        Some(d) => Some(d.clone()),
        None => under_dfg_heading(line).then(|| line.name().to_string()),
    }
}

fn under_dfg_heading(line: &SchemeLine<'_>) -> bool {
    line.attributes()
        .subgroup
        .as_deref()
        .is_some_and(|g| g.to_ascii_lowercase().contains("disabled facilities"))
}

/// Checks that a plan passports its DFG in `year`: the DFG-funded spend on
/// district lines (lines named after a district in `allocations`, or under a
/// "Disabled Facilities Grants" sub-heading) against the DFG income less what
/// recorded agreements retain, plus what they release. A shortfall beyond
/// rounding of the printed figures is an [`Agreement::Error`]. When
/// `allocations` are given, each district is also checked against its own
/// passport, whatever the total: a district whose lines, even at the most
/// their printed figures can stand for, fall below its passport is named
/// short and makes the check an error (money passed to the wrong district
/// is not "exact" because the total is right).
///
/// # Errors
///
/// [`DfgError::BadAgreement`] if an agreement is invalid (see [`passport`]),
/// and [`DfgError::Money`] if a sum or a rounding bound is beyond the decimal
/// range. When `allocations` cover `year`, the errors of [`passport`] for the
/// districts' own passports.
///
/// ```
/// use bcf_model::dfg::{check_plan_passport, DfgAllocations};
/// use bcf_model::reconcile::Agreement;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let dfg = bcf_model::data::leicestershire::dfg_allocations()?;
/// let c = check_plan_passport(&plan, "2018/19".parse()?, Some(&dfg), &[])?;
/// assert_eq!(c.passported.to_string(), "£3,632,300.00"); // seven lines, £'000 to 1 dp
/// assert_eq!(c.agreement, Agreement::Exact);
/// assert!(c.districts_short.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_plan_passport(
    plan: &Plan,
    year: FinancialYear,
    allocations: Option<&DfgAllocations>,
    agreements: &[RetentionAgreement],
) -> Result<PlanPassportCheck, DfgError> {
    let mut income = Money::ZERO;
    // The half steps of the printed figures taking part: the DFG income and
    // every DFG amount on a district line.
    let mut bound = RoundingBound::ZERO;
    for a in plan.allocations().iter().filter(|a| a.year == year) {
        if plan.source(a.source).is_some_and(|s| s.kind == FundingSourceKind::Dfg) {
            income = income.checked_add(a.amount)?;
            bound.add_figure(a.precision)?;
        }
    }
    let (retained, released) = retained_and_released(agreements, year)?;
    let expected = income.checked_sub(retained)?.checked_add(released)?;
    let known: Vec<String> = allocations
        .map(|a| a.districts.iter().map(|d| d.district.clone()).collect())
        .unwrap_or_default();
    let mut lines: Vec<(String, Money)> = Vec::new();
    // Each district's rounding bound, beside `lines`.
    let mut bounds: Vec<RoundingBound> = Vec::new();
    for line in plan.lines() {
        let Some(district) = district_of(&line, &known) else {
            continue;
        };
        let mut amount = Money::ZERO;
        let mut line_bound = RoundingBound::ZERO;
        let mut funded = false;
        for a in line.amounts().filter(|a| a.year == year && is_dfg(plan, a.funding)) {
            amount = amount.checked_add(a.amount)?;
            line_bound.add_figure(a.precision)?;
            funded = true;
        }
        // a line named after a district but neither DFG-funded nor under the
        // DFG heading (e.g. "Charnwood integrated care") is not a DFG line
        if !funded && !under_dfg_heading(&line) {
            continue;
        }
        bound.merge(&line_bound)?;
        match lines
            .iter_mut()
            .zip(bounds.iter_mut())
            .find(|((d, _), _)| *d == district)
        {
            Some(((_, m), b)) => {
                *m = m.checked_add(amount)?;
                b.merge(&line_bound)?;
            }
            None => {
                lines.push((district, amount));
                bounds.push(line_bound);
            }
        }
    }
    let passported = Money::checked_sum(lines.iter().map(|(_, m)| *m))?;
    let shortfall = expected.checked_sub(passported)?;
    let mut agreement = classify(shortfall, bound.to_money()?);
    let mut districts_short = Vec::new();
    // With the allocations, every district is checked against its own
    // passport, whatever the total: money passed to the wrong district is
    // short for the one it was due to.
    if let Some(allocs) = allocations.filter(|a| a.years.contains(&year)) {
        let mut named = BTreeSet::new();
        let due = passport(allocs, year, agreements)?;
        for d in &due.districts {
            // A district with no line got nothing, exactly.
            let (got, slack) = match lines.iter().zip(&bounds).find(|((n, _), _)| *n == d.district) {
                Some(((_, m), b)) => (*m, b.to_money()?),
                None => (Money::ZERO, Money::ZERO),
            };
            // Short only if even the most the printed figures can stand
            // for is below the passport.
            if got.checked_add(slack)? < d.passed && named.insert(d.district.clone()) {
                districts_short.push(d.district.clone());
            }
        }
        if !districts_short.is_empty() {
            agreement = Agreement::Error;
        }
    }
    // Passing on more than expected in total is not a passporting failure;
    // short in total with no district named: every district line is suspect.
    if agreement == Agreement::Error && shortfall.is_positive() && districts_short.is_empty() {
        districts_short = lines.iter().map(|(d, _)| d.clone()).collect();
    }
    Ok(PlanPassportCheck {
        year,
        income,
        retained,
        released,
        expected,
        passported,
        shortfall,
        agreement,
        lines,
        districts_short,
    })
}
