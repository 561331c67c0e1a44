//! The end-of-year reconciliation of 2020/21: the form areas returned when
//! no plans were required.
//! See [`EndOfYearReconciliation`].

use serde::Serialize;

use crate::calendar::FinancialYear;
use crate::conditions::{check_all, ConditionInputs};
use crate::money::{Money, MoneyError};
use crate::monitor::MonitorError;
use crate::plan::{ContributorIx, Funding, FundingClass, FundingSourceKind, LineFlag, Plan};
use crate::policy::{PolicyCalendar, Topic};
use crate::verdict::{ConditionCheck, Outcome};

use super::{ReturnError, YearEndReturn};

/// A mandatory funding source of the fund, as the 2020/21 policy statement
/// lists them (Table 1: the CCG minimum, the iBCF with the Winter Pressures
/// grant rolled in, and the DFG).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MandatorySource {
    /// The NHS (CCG, later ICB) minimum contribution.
    NhsMinimum,
    /// The improved Better Care Fund grant (any of its kinds).
    Ibcf,
    /// The Disabled Facilities Grant.
    Dfg,
}

impl MandatorySource {
    /// Every mandatory source, in the statement's order.
    pub const ALL: [MandatorySource; 3] = [MandatorySource::NhsMinimum, MandatorySource::Ibcf, MandatorySource::Dfg];

    /// `nhs_minimum`, `ibcf`, `dfg`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            MandatorySource::NhsMinimum => "nhs_minimum",
            MandatorySource::Ibcf => "ibcf",
            MandatorySource::Dfg => "dfg",
        }
    }

    /// The mandatory source a funding source of `kind` is, if any. The
    /// Winter Pressures grant is not: from 2020/21 it is paid as iBCF, and
    /// a plan naming it on its own is of 2019/20.
    #[must_use]
    pub fn of(kind: &FundingSourceKind) -> Option<MandatorySource> {
        match kind {
            FundingSourceKind::NhsMinimum => Some(MandatorySource::NhsMinimum),
            FundingSourceKind::Dfg => Some(MandatorySource::Dfg),
            k if k.is_ibcf() => Some(MandatorySource::Ibcf),
            _ => None,
        }
    }
}

impl std::fmt::Display for MandatorySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MandatorySource::NhsMinimum => "NHS (CCG) minimum contribution",
            MandatorySource::Ibcf => "improved Better Care Fund",
            MandatorySource::Dfg => "Disabled Facilities Grant",
        })
    }
}

/// The agreed use and the spend of one mandatory source by one contributor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MandatorySpend {
    /// The source.
    pub source: MandatorySource,
    /// The contributor.
    #[serde(skip)]
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// Its allocation for the year.
    pub allocation: Money,
    /// The spend agreed (planned) from it.
    pub agreed: Money,
    /// The spend (outturn) from it.
    pub spend: Money,
}

/// One line's social care spend from the NHS minimum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SocialCareSpend {
    /// The line id.
    pub line: String,
    /// The line's name.
    pub name: String,
    /// Its area of spend, if the plan gives one.
    pub area_of_spend: Option<String>,
    /// Its scheme type, if the plan gives one.
    pub scheme_type: Option<String>,
    /// The contributor.
    #[serde(skip)]
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// The spend agreed (planned) from the NHS minimum.
    pub agreed: Money,
    /// The spend (outturn) from the NHS minimum.
    pub spend: Money,
}

/// The gov.uk policy statement of 3 December 2020 (`docs/policy-calendar.md`)
/// set no planning for 2020/21: the use of the mandatory contributions was
/// to be "agreed in writing, and that the national conditions are met", and
/// each Health and Wellbeing Board to "provide an end of year reconciliation
/// … confirming that the national conditions have been met, total spend
/// from the mandatory funding sources and a breakdown of agreed spending on
/// social care from the CCG minimum contribution". An
/// [`EndOfYearReconciliation`] is those three parts, made from a
/// [`YearEndReturn`] (the agreed use of the money is the plan; the spend is
/// the outturn).
///
/// **The form is made for any year**, with the policy calendar's planning
/// mode for the year recorded beside it
/// ([`EndOfYearReconciliation::is_reconciliation_year`]): in 2020/21 it is
/// the return itself; in a planning year the same figures are part of the
/// year-end return. Refusing other years would only hide figures a board
/// can use; the recorded mode says which the form is.
///
/// **Social care from the NHS minimum** is the spend, funded wholly from NHS
/// (CCG) minimum sources, on the lines flagged
/// [`LineFlag::MaintainsSocialCare`]: the lines the national condition on
/// the NHS contribution to adult social care counts
/// ([`check_social_care_maintained`](crate::conditions::check_social_care_maintained)).
///
/// Made by [`end_of_year_reconciliation`].
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::monitor::{monitor, year_end, CarryForwardRule, Forecast, MissingActuals, Monitoring, OutturnBasis};
/// use bcf_model::returns::{end_of_year_reconciliation, year_end_return, MandatorySource};
/// use bcf_model::waterfall::{waterfall, RiskShareRule, WaterfallConfig};
/// use chrono::NaiveDate;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// // Every line spent exactly its budget.
/// let march = Monitoring::new("2018-03".parse()?)
///     .missing_actuals(MissingActuals::OnBudgetToDate)
///     .default_forecast(Forecast::BudgetPlusVariance);
/// let report = monitor(&plan, &ledger, &march)?;
/// let close = year_end(&plan, &report, OutturnBasis::Actuals, &CarryForwardRule::Nothing)?;
/// let config = WaterfallConfig::section_75(NaiveDate::from_ymd_opt(2018, 3, 31).ok_or("date")?, "IFG", RiskShareRule::ProRataContributions);
/// let ret = year_end_return(&plan, &report, &ledger, &close, &waterfall(&plan, &report, &ledger, &config)?)?;
/// let calendar = bcf_model::data::policy_calendar()?;
/// let inputs = bcf_model::data::leicestershire::condition_inputs()?;
/// let form = end_of_year_reconciliation(&plan, &ret, &calendar, &inputs)?;
/// // 2017/18 was a planning year: these are the year-end return's figures.
/// assert!(!form.is_reconciliation_year());
/// assert_eq!(form.spend_from(MandatorySource::Dfg)?, form.agreed_from(MandatorySource::Dfg)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndOfYearReconciliation {
    /// The financial year.
    pub year: FinancialYear,
    /// The key of the policy calendar's planning mode for the year
    /// (`end_of_year_reconciliation` for 2020/21, `plan` for the others),
    /// or `None` if the calendar has none for it.
    pub planning_mode: Option<String>,
    /// The national conditions in force for the year, each with its
    /// outcome ([`check_all`]).
    pub conditions: Vec<ConditionCheck>,
    /// Per mandatory source and contributor with an allocation or spend of
    /// it, in [`MandatorySource::ALL`] order, contributors in plan order.
    pub mandatory: Vec<MandatorySpend>,
    /// The spend from other sources (additional contributions, and lines
    /// with no planned funding): with the mandatory spend, the whole outturn.
    pub other_spend: Money,
    /// The agreed social care spend from the NHS minimum, per line and
    /// contributor, in the return's order.
    pub social_care: Vec<SocialCareSpend>,
}

/// The mandatory source of funding class `class`, `None` if it is not one,
/// or an error if its members are of different kinds.
fn class_source(plan: &Plan, class: &FundingClass) -> Result<Option<MandatorySource>, ReturnError> {
    let kinds = super::member_kinds(plan, class)?;
    let mut found = kinds.iter().map(|k| MandatorySource::of(k));
    let first = found.next().flatten();
    if found.all(|m| m == first) {
        Ok(first)
    } else {
        Err(ReturnError::MixedMandatorySources {
            stream: class.id.clone(),
            kinds: kinds.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        })
    }
}

/// The mandatory source of `funding` in `plan` (`None` for spend with no
/// planned funding, or funding that is not mandatory).
fn funding_source(
    plan: &Plan,
    classes: &[FundingClass],
    funding: Option<Funding>,
) -> Result<Option<MandatorySource>, ReturnError> {
    let Some(f) = funding else { return Ok(None) };
    let class = plan
        .class_of(f)
        .and_then(|c| classes.get(c))
        .ok_or_else(|| MonitorError::NotThisPlan {
            what: format!("funding {f:?}"),
        })?;
    class_source(plan, class)
}

/// The end-of-year reconciliation of the year-end return `ret` on `plan`:
/// the national conditions checked for its year under `calendar` with the
/// area's `inputs`, the spend from each mandatory source per contributor,
/// and the social care spend from the NHS minimum per line. Made for any
/// year, recording the calendar's planning mode (see
/// [`EndOfYearReconciliation`]).
///
/// # Errors
///
/// [`ReturnError::Conditions`] if a condition check fails (see
/// [`check_all`]); [`ReturnError::MixedMandatorySources`] if a funding
/// group mixes mandatory sources of different kinds, or one with others;
/// [`ReturnError::Monitor`] if `ret` was not made from `plan`; and
/// [`ReturnError::Money`] if a sum is beyond the decimal range.
pub fn end_of_year_reconciliation(
    plan: &Plan,
    ret: &YearEndReturn,
    calendar: &PolicyCalendar,
    inputs: &ConditionInputs,
) -> Result<EndOfYearReconciliation, ReturnError> {
    let classes = plan.funding_classes();
    let mut mandatory: Vec<MandatorySpend> = Vec::new();
    let mut other_spend = Money::ZERO;
    for r in &ret.streams {
        let Some(source) = funding_source(plan, &classes, r.funding)? else {
            other_spend = other_spend.checked_add(r.outturn)?;
            continue;
        };
        match mandatory
            .iter_mut()
            .find(|m| m.source == source && m.contributor == r.contributor)
        {
            Some(m) => {
                m.allocation = m.allocation.checked_add(r.allocation)?;
                m.agreed = m.agreed.checked_add(r.planned)?;
                m.spend = m.spend.checked_add(r.outturn)?;
            }
            None => mandatory.push(MandatorySpend {
                source,
                contributor: r.contributor,
                contributor_id: r.contributor_id.clone(),
                allocation: r.allocation,
                agreed: r.planned,
                spend: r.outturn,
            }),
        }
    }
    mandatory.sort_by_key(|m| (m.source, m.contributor.index()));

    let mut social_care: Vec<SocialCareSpend> = Vec::new();
    for l in &ret.lines {
        let line = plan.line(&l.line).ok_or_else(|| MonitorError::NotThisPlan {
            what: format!("scheme line {:?}", l.line),
        })?;
        let attributes = line.attributes();
        if !attributes.flags.contains(&LineFlag::MaintainsSocialCare)
            || funding_source(plan, &classes, l.funding)? != Some(MandatorySource::NhsMinimum)
        {
            continue;
        }
        match social_care
            .iter_mut()
            .find(|s| s.line == l.line && s.contributor == l.contributor)
        {
            Some(s) => {
                s.agreed = s.agreed.checked_add(l.planned)?;
                s.spend = s.spend.checked_add(l.outturn)?;
            }
            None => social_care.push(SocialCareSpend {
                line: l.line.clone(),
                name: l.name.clone(),
                area_of_spend: attributes.area_of_spend.clone(),
                scheme_type: attributes.scheme_type.clone(),
                contributor: l.contributor,
                contributor_id: l.contributor_id.clone(),
                agreed: l.planned,
                spend: l.outturn,
            }),
        }
    }

    Ok(EndOfYearReconciliation {
        year: ret.year,
        planning_mode: calendar
            .in_force(Topic::PlanningMode, ret.year)
            .next()
            .map(|r| r.key.clone()),
        conditions: check_all(plan, calendar, inputs, ret.year)?,
        mandatory,
        other_spend,
        social_care,
    })
}

impl EndOfYearReconciliation {
    /// Whether the calendar says the year's areas only reconciled at the
    /// year's end (2020/21): then this form is the return itself.
    #[must_use]
    pub fn is_reconciliation_year(&self) -> bool {
        self.planning_mode.as_deref() == Some("end_of_year_reconciliation")
    }

    /// `End of year reconciliation 2020/21`, or for a planning year
    /// `Year-end return 2017/18: the reconciliation's figures`.
    #[must_use]
    pub fn title(&self) -> String {
        if self.is_reconciliation_year() {
            format!("End of year reconciliation {}", self.year)
        } else {
            format!("Year-end return {}: the reconciliation's figures", self.year)
        }
    }

    /// The national conditions of the year confirmed as met.
    pub fn conditions_confirmed(&self) -> impl Iterator<Item = &ConditionCheck> {
        self.conditions.iter().filter(|c| c.outcome == Outcome::Met)
    }

    /// The total spend from `source`, every contributor's.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn spend_from(&self, source: MandatorySource) -> Result<Money, MoneyError> {
        Money::checked_sum(self.mandatory.iter().filter(|m| m.source == source).map(|m| m.spend))
    }

    /// The total spend agreed from `source`, every contributor's.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn agreed_from(&self, source: MandatorySource) -> Result<Money, MoneyError> {
        Money::checked_sum(self.mandatory.iter().filter(|m| m.source == source).map(|m| m.agreed))
    }

    /// The total spend from the mandatory sources.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn mandatory_spend(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(self.mandatory.iter().map(|m| m.spend))
    }

    /// The social care spend from the NHS minimum: the breakdown's total.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn social_care_spend(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(self.social_care.iter().map(|s| s.spend))
    }

    /// The social care spend agreed from the NHS minimum.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn social_care_agreed(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(self.social_care.iter().map(|s| s.agreed))
    }
}
