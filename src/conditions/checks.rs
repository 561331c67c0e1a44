//! The condition checks, one function a condition, and [`check_all`].

use rust_decimal::Decimal;

use super::uplift::{nhs_minimum_precision, year_in_plan};
use super::*;
use crate::calendar::FinancialYear;
use crate::dfg::check_plan_passport;
use crate::ibcf::check_pooled;
use crate::money::{percent_fraction, Money, Rounding};
use crate::plan::{Commissioner, Funding, FundingSourceKind, LineFlag, Plan};
use crate::policy::{PolicyCalendar, Topic};
use crate::reconcile::{reconcile, Agreement, FindingKind};
use crate::verdict::{Condition, ConditionCheck, ConditionFinding, Figure, Outcome};

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
#[must_use]
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
/// and rounded to the precision its planned figure is printed to (the penny
/// when the figures are exact). Cannot tell
/// for a plan's first year (no previous year in the plan).
///
/// # Errors
///
/// [`ConditionError::YearNotInPlan`] if the plan does not cover `year`,
/// [`ConditionError::MissingParameter`] if `params` has no
/// [`Parameter::NhsMinimumUplift`] rule for `year`, and
/// [`ConditionError::Money`] if a sum, an uplift or a shortfall is beyond the
/// decimal range.
pub fn check_nhs_minimum_uplift(
    plan: &Plan,
    params: &PolicyParameters,
    inputs: &ConditionInputs,
    year: FinancialYear,
) -> Result<ConditionCheck, ConditionError> {
    year_in_plan(plan, year)?;
    let mut check = ConditionCheck::new(Condition::NhsMinimumUplift, year);
    let rule = params.rule(&Parameter::NhsMinimumUplift, year)?;
    check
        .figures
        .push(Figure::percent("uplift (policy)", rule.value_percent));
    let Ok(prior) = year.previous() else {
        check.findings.push(ConditionFinding::Note(format!(
            "{year} has no year before it in the calendar, so the uplift into it cannot be checked"
        )));
        return Ok(check);
    };
    // The year before from the plan, or else as supplied (a one-year plan).
    let supplied: Vec<&PriorContribution> = inputs.prior_nhs_minimum.iter().filter(|p| p.year == prior).collect();
    let in_plan = plan.year_index(prior).is_some();
    let before: Vec<(String, Money)> = if in_plan {
        nhs_minimum_by_contributor(plan, prior)?
    } else if !supplied.is_empty() {
        check.figures.push(Figure::text(
            format!("{prior} basis"),
            "supplied (the plan does not cover it)",
        ));
        supplied.iter().map(|p| (p.contributor.clone(), p.amount)).collect()
    } else {
        check.findings.push(ConditionFinding::Note(format!(
            "the plan does not cover the year before {year} and no {prior} NHS minimum was supplied, \
             so the uplift into {year} cannot be checked"
        )));
        return Ok(check);
    };
    let after = nhs_minimum_by_contributor(plan, year)?;
    let mut required_total = Money::ZERO;
    let mut actual_total = Money::ZERO;
    let mut short = false;
    for (id, a) in &before {
        let precision = supplied
            .iter()
            .filter(|_| !in_plan)
            .find(|p| &p.contributor == id)
            .and_then(|p| p.precision)
            .unwrap_or_else(|| nhs_minimum_precision(plan, id, year));
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
    if in_plan {
        let detected = detect_uplift(plan, prior, year)?;
        if let Some(p) = detected.uplift_percent {
            check.figures.push(Figure::percent("uplift applied (detected)", p));
        }
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
pub(super) fn source_kind_of(plan: &Plan, funding: Funding) -> Vec<&FundingSourceKind> {
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
///
/// # Errors
///
/// [`ConditionError::YearNotInPlan`] if the plan does not cover `year`,
/// [`ConditionError::MissingParameter`] if `params` has no
/// [`Parameter::NhsMinimumUplift`] rule for a year after the baseline's up to
/// `year`, and [`ConditionError::Money`] if a sum, an uplift or the shortfall
/// is beyond the decimal range.
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
        let p = match params.rule(&Parameter::SocialCareUplift, y) {
            Ok(rule) => rule.value_percent,
            Err(_) => {
                check.findings.push(ConditionFinding::Note(format!(
                    "{y} sets no social care uplift of its own: the requirement follows the NHS minimum uplift"
                )));
                params.percent(&Parameter::NhsMinimumUplift, y)?
            }
        };
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
pub(super) fn flagged_out_of_hospital(
    plan: &Plan,
    year: FinancialYear,
) -> Result<Option<(Money, usize)>, ConditionError> {
    let mut spend = Money::ZERO;
    let mut n = 0;
    for line in plan
        .lines()
        .iter()
        .filter(|l| l.attributes().flags.contains(&LineFlag::NhsCommissionedOutOfHospital))
    {
        n += 1;
        let share = match line.attributes().commissioner {
            Some(c @ Commissioner::Joint { nhs_percent, .. }) => {
                if !c.is_whole() {
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
/// # Errors
///
/// [`ConditionError::YearNotInPlan`] if the plan does not cover `year`,
/// [`ConditionError::MissingParameter`] if `params` has no
/// [`Parameter::OutOfHospitalShare`] rule for `year` and `inputs` supply no
/// published ring-fence for it, and [`ConditionError::Money`] if a sum, the
/// ring-fence or the variance is beyond the decimal range (or a percentage has
/// more than 26 decimals).
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
        // The published ring-fence is the basis; a share would only have
        // cross-checked it.
        Err(_) if supplied.ring_fence.is_some() => None,
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
/// # Errors
///
/// [`ConditionError::YearNotInPlan`] if the plan does not cover `year`,
/// [`ConditionError::Reconcile`] if [`reconcile`] or a funding total fails, and
/// [`ConditionError::Dfg`] if the plan has a DFG source and
/// [`check_plan_passport`] fails (for example on an invalid retention
/// agreement).
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
        let income = rec.totals.funding_income(class.funding, year)?;
        let spend = rec.totals.funding_spend(class.funding, year)?;
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

/// Every check for `year` under the policy calendar: one check for each
/// national condition the calendar has in force that year, in its order,
/// then the funding rules (the NHS minimum uplift, every funding source
/// fully planned with the DFG passported, and one [`Condition::GrantPooled`]
/// check per grant in [`ConditionInputs::pooled_grants`] whose profile covers
/// the year).
///
/// The conditions the crate checks from the plan are the jointly agreed
/// plan, the NHS contribution to adult social care and the NHS-commissioned
/// out-of-hospital spend; any other (the High Impact Change Model, a
/// discharge plan, the 2023-25 objectives...) is a [`Condition::Unchecked`]
/// check with its wording, which CANNOT TELL. Each check uses the calendar's
/// confirmed figures ([`PolicyParameters::from_calendar`]) and the area's
/// own rules ([`ConditionInputs::area_parameters`]). A rule or figure the
/// calendar lacks or does not confirm for the year makes that check alone
/// CANNOT TELL, with a note saying which; so does a condition whose wording
/// the calendar does not confirm for the year (the note says what the plan
/// shows).
///
/// # Errors
///
/// [`ConditionError::YearNotInPlan`] if the plan does not cover `year`, and
/// the errors of the checks other than a missing rule:
/// [`ConditionError::Money`], [`ConditionError::Reconcile`],
/// [`ConditionError::Dfg`], and [`ConditionError::Ibcf`] if [`check_pooled`]
/// fails for a grant.
///
/// ```
/// use bcf_model::conditions::check_all;
/// use bcf_model::money::Render;
/// use bcf_model::verdict::{Condition, Outcome};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let calendar = bcf_model::data::policy_calendar()?;
/// let inputs = bcf_model::data::leicestershire::condition_inputs()?;
/// let checks = check_all(&plan, &calendar, &inputs, "2018/19".parse()?)?;
/// for c in &checks {
///     println!("{}", c.render(bcf_model::money::Precision::THOUSANDS_1DP));
/// }
/// let uplift = checks.iter().find(|c| c.condition == Condition::NhsMinimumUplift).ok_or("not found")?;
/// assert_eq!(uplift.outcome, Outcome::Met);
/// // The High Impact Change Model condition is not a figure of the plan.
/// let hicm = checks.iter().find(|c| c.national.as_deref() == Some("managing_transfers_of_care")).ok_or("not found")?;
/// assert_eq!((hicm.condition, hicm.outcome), (Condition::Unchecked, Outcome::CannotTell));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_all(
    plan: &Plan,
    calendar: &PolicyCalendar,
    inputs: &ConditionInputs,
    year: FinancialYear,
) -> Result<Vec<ConditionCheck>, ConditionError> {
    year_in_plan(plan, year)?;
    let mut params = PolicyParameters::from_calendar(calendar);
    params.rules.extend(inputs.area_parameters.rules.iter().cloned());
    // A rule the check needs and the calendar lacks or does not confirm:
    // that check alone cannot tell.
    let cannot_tell = |condition: Condition, result: Result<ConditionCheck, ConditionError>| match result {
        Err(ConditionError::MissingParameter { parameter, year: y }) => {
            let mut check = ConditionCheck::new(condition, year);
            let topic = match parameter {
                Parameter::SocialCareUplift => Some(Topic::SocialCareMaintenance),
                Parameter::NhsMinimumUplift => Some(Topic::NhsMinimumUplift),
                _ => None,
            };
            let row = topic.and_then(|t| calendar.in_force(t, y).next());
            check.findings.push(ConditionFinding::Note(match row {
                Some(r) if !r.confirmed => format!(
                    "the calendar's {parameter} for {y} is not confirmed ({}): {}",
                    r.source.title, r.note
                ),
                _ => format!("no {parameter} rule covers {y}, in the calendar or the area's rules"),
            }));
            Ok(check)
        }
        other => other,
    };
    let mut checks = Vec::new();
    for row in calendar.in_force(Topic::Condition, year) {
        let mut check = match row.key.as_str() {
            "jointly_agreed_plan" => check_plan_agreed(plan, inputs, year),
            "nhs_contribution_to_social_care_maintained" => cannot_tell(
                Condition::SocialCareMaintained,
                check_social_care_maintained(plan, &params, inputs, year),
            )?,
            "invest_in_nhs_commissioned_out_of_hospital" => cannot_tell(
                Condition::OutOfHospitalRingFence,
                check_out_of_hospital(plan, &params, inputs, year),
            )?,
            _ => {
                let mut check = ConditionCheck::new(Condition::Unchecked, year);
                check.findings.push(ConditionFinding::Note(
                    "its evidence is outside the plan's figures: the crate does not check it".to_string(),
                ));
                check
            }
        };
        if let Some(wording) = row.text() {
            check.figures.insert(0, Figure::text("condition", wording));
        }
        if !row.confirmed && check.outcome != Outcome::CannotTell {
            check.findings.push(ConditionFinding::Note(format!(
                "the plan shows {}, but the calendar does not confirm this condition for {year} ({}): {}",
                check.outcome, row.source.title, row.note
            )));
            check.outcome = Outcome::CannotTell;
        }
        check.national = Some(row.key.clone());
        checks.push(check);
    }
    checks.push(cannot_tell(
        Condition::NhsMinimumUplift,
        check_nhs_minimum_uplift(plan, &params, inputs, year),
    )?);
    checks.push(check_funding_fully_planned(plan, inputs, year)?);
    for grant in inputs.pooled_grants.iter().filter(|g| g.amount(year).is_some()) {
        checks.push(check_pooled(plan, grant, year)?);
    }
    Ok(checks)
}
