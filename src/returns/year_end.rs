//! The year-end return: outturn against plan per funding stream and
//! contributor, the underspends carried forward or released, and how the
//! overspend was met, down to what each partner bears under the risk share.
//! See [`YearEndReturn`].

use std::collections::BTreeMap;
use std::fmt;

use crate::calendar::FinancialYear;
use crate::conditions::{check_all, ConditionInputs};
use crate::contingency::ContingencyLedger;
use crate::money::{Money, MoneyError};
use crate::monitor::{split_amounts, CarryForwardRule, MonitorError, MonitoringReport, OutturnBasis, YearEnd};
use crate::plan::{ContributorIx, Funding, Plan};
use crate::policy::{PolicyCalendar, Topic};
use crate::verdict::{ConditionCheck, Outcome};
use crate::waterfall::{Bearer, ExposureSource, WaterfallOutcome, WaterfallStep};

use super::ReturnError;

/// One scheme line, contributor and funding at the year end, in a
/// [`YearEndReturn`]: `budget = outturn + carried + released`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct YearEndLine {
    /// The line id.
    pub line: String,
    /// The line's name.
    pub name: String,
    /// The contributor.
    #[serde(skip)]
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// The funding source or group of this part of the line; `None` for a
    /// line with no planned funding.
    #[serde(skip)]
    pub funding: Option<Funding>,
    /// The funding's id (`unplanned` for none).
    pub funding_id: String,
    /// The planned budget.
    pub planned: Money,
    /// The revised budget (planned, plus contingency moved in, less savings
    /// taken out) that the outturn is measured against.
    pub budget: Money,
    /// The outturn for the year.
    pub outturn: Money,
    /// The underspend carried forward (zero or above).
    pub carried: Money,
    /// Neither spent nor carried: an underspend released (above zero), or
    /// an overspend to be met (below zero).
    pub released: Money,
}

/// One funding stream and contributor at the year end, in a
/// [`YearEndReturn`]. Streams are the plan's funding classes, as in the
/// quarterly return.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct YearEndStream {
    /// The stream's funding class; `None` for spend with no planned funding.
    #[serde(skip)]
    pub funding: Option<Funding>,
    /// The stream's id (`unplanned` for spend with no planned funding).
    pub stream: String,
    /// The stream's name.
    pub stream_name: String,
    /// The contributor.
    #[serde(skip)]
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// Its allocations for the year.
    pub allocation: Money,
    /// The planned budgets of the lines it funds.
    pub planned: Money,
    /// Their revised budgets.
    pub budget: Money,
    /// Their outturn.
    pub outturn: Money,
    /// `outturn - budget`: above zero an overspend.
    pub variance: Money,
    /// Underspend carried forward.
    pub carried: Money,
    /// Released: underspend (above zero) less overspend (below zero).
    pub released: Money,
}

/// The figures of a [`YearEndReturn`] added up over some of its stream rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct YearEndTotals {
    /// Allocations.
    pub allocation: Money,
    /// Planned budgets.
    pub planned: Money,
    /// Revised budgets.
    pub budget: Money,
    /// Outturn.
    pub outturn: Money,
    /// Outturn less budget.
    pub variance: Money,
    /// Carried forward.
    pub carried: Money,
    /// Released.
    pub released: Money,
}

impl YearEndTotals {
    fn add_line(&mut self, l: &YearEndLine) -> Result<(), MoneyError> {
        self.planned = self.planned.checked_add(l.planned)?;
        self.budget = self.budget.checked_add(l.budget)?;
        self.outturn = self.outturn.checked_add(l.outturn)?;
        self.variance = self.variance.checked_add(l.outturn.checked_sub(l.budget)?)?;
        self.carried = self.carried.checked_add(l.carried)?;
        self.released = self.released.checked_add(l.released)?;
        Ok(())
    }

    fn add(&mut self, r: &YearEndStream) -> Result<(), MoneyError> {
        self.allocation = self.allocation.checked_add(r.allocation)?;
        self.planned = self.planned.checked_add(r.planned)?;
        self.budget = self.budget.checked_add(r.budget)?;
        self.outturn = self.outturn.checked_add(r.outturn)?;
        self.variance = self.variance.checked_add(r.variance)?;
        self.carried = self.carried.checked_add(r.carried)?;
        self.released = self.released.checked_add(r.released)?;
        Ok(())
    }
}

/// Where part of the year's overspend was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OverspendStage {
    /// A step of the waterfall (underspends offset, a pool, uncommitted
    /// allocations).
    Step(WaterfallStep),
    /// What was left after the steps, borne under the risk share.
    RiskShare,
}

impl fmt::Display for OverspendStage {
    /// The step's name, or `risk share`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverspendStage::Step(s) => write!(f, "{s}"),
            OverspendStage::RiskShare => f.write_str("risk share"),
        }
    }
}

/// What one bearer met of the overspend at one stage, in a [`YearEndReturn`]:
/// at a step, what was drawn from the contributor's underspends, pools or
/// uncommitted allocations; under the risk share, its share.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OverspendMet {
    /// The stage.
    #[serde(skip)]
    pub stage: OverspendStage,
    /// The stage's name.
    pub stage_name: String,
    /// Who met it.
    #[serde(skip)]
    pub bearer: Bearer,
    /// The contributor's id, or `pooled fund`.
    pub bearer_id: String,
    /// How much.
    pub amount: Money,
}

/// The year-end return: outturn against plan per funding stream and
/// contributor, the underspends carried forward or released, and how the
/// overspend was met, down to what each partner bears under the risk share.
///
/// It is made from three results the crate already has, and checks that
/// they are of one round: the March (or final) [`MonitoringReport`], its
/// [`YearEnd`] ([`year_end`](crate::monitor::year_end): each line's outturn,
/// and its underspend carried forward under the agreement's
/// [`CarryForwardRule`] or released), and the [`WaterfallOutcome`] of the
/// same report ([`waterfall`](crate::waterfall::waterfall): the overspend
/// met step by step, the rest shared by the risk-share rule). The return
/// adds nothing of its own to the money: a line funded from several streams
/// has its budget, carried and released split across them pro rata to its
/// planned amounts, exactly (as the quarterly return splits spend), and its
/// outturn in each stream is what is left, so `budget = outturn + carried +
/// released` holds to the penny in every row and total.
///
/// **Carry-forward comes from the [`YearEnd`]**: the waterfall's own
/// [`UnderspendRule`](crate::waterfall::UnderspendRule) is not reported. An
/// underspend carried forward cannot also meet an overspend, so the return
/// is refused ([`ReturnError::CarriedUnderspendOffset`]) if the waterfall's
/// offset step drew more of a contributor's underspends than the year end
/// releases: run the waterfall without
/// [`WaterfallStep::OffsetUnderspends`] when underspends are carried.
///
/// Made by [`year_end_return`]:
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::money::{Money, Unit};
/// use bcf_model::monitor::{monitor, year_end, CarryForwardRule, Forecast, MissingActuals, Monitoring, OutturnBasis, Period};
/// use bcf_model::returns::year_end_return;
/// use bcf_model::waterfall::{waterfall, RiskShareRule, WaterfallConfig};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let year = "2017/18".parse()?;
/// let ledger = ContingencyLedger::from_plan(&plan, year)?;
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// // Assistive Technology (BCF3.1, the County Council's iBCF) spent 700.0 of 760.0; the rest on budget.
/// let march = Monitoring::new("2018-03".parse()?)
///     .missing_actuals(MissingActuals::OnBudgetToDate)
///     .default_forecast(Forecast::BudgetPlusVariance)
///     .actual("BCF3.1", "lcc", Period::Month("2018-03".parse()?), k("700")?);
/// let report = monitor(&plan, &ledger, &march)?;
/// let close = year_end(&plan, &report, OutturnBasis::Actuals, &CarryForwardRule::AllUnderspends)?;
/// let mut config = WaterfallConfig::section_75(year.last_day(), "IFG", RiskShareRule::pooled_fund_bears());
/// config.steps.retain(|s| *s != bcf_model::waterfall::WaterfallStep::OffsetUnderspends);
/// let ret = year_end_return(&plan, &report, &ledger, &close, &waterfall(&plan, &report, &ledger, &config)?)?;
/// let lcc = plan.contributor_ix("lcc").ok_or("no lcc")?;
/// let ibcf = ret.stream(plan.funding("ibcf"), lcc).ok_or("no iBCF row")?;
/// assert_eq!((ibcf.budget, ibcf.outturn, ibcf.carried), (k("9,525.6")?, k("9,465.6")?, k("60")?));
/// let t = ret.contributor_total(lcc)?;
/// assert_eq!(t.budget, t.outturn.checked_add(t.carried)?.checked_add(t.released)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct YearEndReturn {
    /// The financial year closed.
    pub year: FinancialYear,
    /// How each outturn was taken.
    #[serde(skip)]
    pub basis: OutturnBasis,
    /// `actuals` or `forecast`.
    pub outturn_basis: String,
    /// Which underspends were carried forward.
    #[serde(skip)]
    pub carry_forward: CarryForwardRule,
    /// The rule in words.
    pub carry_forward_rule: String,
    /// One row per line, contributor and funding, in the report's order.
    pub lines: Vec<YearEndLine>,
    /// One row per stream and contributor with an allocation or a line,
    /// streams in the plan's order of funding classes (`unplanned` last),
    /// contributors in plan order within each.
    pub streams: Vec<YearEndStream>,
    /// The gross overspend: lines over budget and undelivered savings targets.
    pub overspend: Money,
    /// The part of it that is undelivered savings targets.
    pub undelivered_savings: Money,
    /// Where the overspend was met: each waterfall step by contributor, in
    /// step order, then each bearer's share under the risk share.
    pub met: Vec<OverspendMet>,
    /// What the risk share's caps left unshared (zero without caps).
    pub unallocated: Money,
    /// The national conditions in force for the year, as checked from the
    /// plan; empty until [`YearEndReturn::with_conditions`].
    pub conditions: Vec<ConditionCheck>,
    /// The key of the policy calendar's planning mode for the year (`plan`,
    /// or `end_of_year_reconciliation` for 2020/21); `None` until
    /// [`YearEndReturn::with_conditions`], or if the calendar has none.
    pub planning_mode: Option<String>,
}

fn basis_label(basis: OutturnBasis) -> String {
    match basis {
        OutturnBasis::Actuals => "actuals".to_string(),
        OutturnBasis::Forecast => "forecast".to_string(),
    }
}

fn rule_label(rule: &CarryForwardRule) -> String {
    match rule {
        CarryForwardRule::Nothing => "nothing carried: every underspend released".to_string(),
        CarryForwardRule::AllUnderspends => "every underspend carried forward".to_string(),
        CarryForwardRule::FlaggedLines(lines) => {
            format!("underspends of {} carried forward, the rest released", lines.join(", "))
        }
    }
}

fn not_of_round(what: String) -> ReturnError {
    ReturnError::NotOfThisRound { what }
}

/// The year-end return of `report` (the final monitoring round on `plan`),
/// from its year-end outturn `close` and the waterfall's `outcome` on the
/// same report, run with the pools of `ledger`.
///
/// The inputs are checked to be of one round: the same year; `close` made
/// from `report` (row for row, same budgets); the waterfall's overspend on
/// each line the outturn's excess over budget, and its underspend the
/// outturn's total underspend (so a waterfall run on a forecast that is not
/// the outturn is refused); and the waterfall conserving money against
/// `ledger` ([`WaterfallOutcome::conservation_failures`]).
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::money::{Money, Unit};
/// use bcf_model::monitor::{monitor, year_end, CarryForwardRule, Forecast, MissingActuals, Monitoring, OutturnBasis, Period};
/// use bcf_model::returns::year_end_return;
/// use bcf_model::waterfall::{waterfall, Bearer, RiskShareRule, WaterfallConfig, WaterfallStep};
/// use chrono::NaiveDate;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// // At March every line spent its budget, but WL CCG's Intermediate Care
/// // (BCF2.3, budget 313.0) spent 2,313.0: 2,000.0 over.
/// let march = Monitoring::new("2018-03".parse()?)
///     .missing_actuals(MissingActuals::OnBudgetToDate)
///     .default_forecast(Forecast::BudgetPlusVariance)
///     .actual("BCF2.3", "wl_ccg", Period::Month("2018-03".parse()?), k("2,313")?);
/// let report = monitor(&plan, &ledger, &march)?;
/// let close = year_end(&plan, &report, OutturnBasis::Actuals, &CarryForwardRule::Nothing)?;
/// // The agreement draws on the risk pools only; the County Council hosts the fund and bears the rest.
/// let lcc = plan.contributor_ix("lcc").ok_or("no lcc")?;
/// let mut config = WaterfallConfig::section_75(NaiveDate::from_ymd_opt(2018, 3, 31).ok_or("date")?, "IFG", RiskShareRule::host_bears(lcc));
/// config.steps = vec![WaterfallStep::RiskPool];
/// let outcome = waterfall(&plan, &report, &ledger, &config)?;
/// let ret = year_end_return(&plan, &report, &ledger, &close, &outcome)?;
/// // 2,000.0 over plus the undelivered savings targets (840.6 + 487.2):
/// // 1,000.0 from the risk pools, 2,327.8 borne by the County Council.
/// assert_eq!(ret.overspend, k("3,327.8")?);
/// assert_eq!(ret.borne(Bearer::Contributor(lcc))?, k("2,327.8")?);
/// assert!(ret.is_conserved());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ReturnError::NotOfThisRound`] if `close`, `ledger` or `outcome` is not
/// of `report` as above; [`ReturnError::NotConserved`] if the waterfall does
/// not conserve money against `ledger`; [`ReturnError::Monitor`] if the
/// report was not made from `plan` or a line's figures cannot be split
/// across its funding; [`ReturnError::Ledger`] if a bearer of the waterfall
/// is not a contributor of `plan`; [`ReturnError::CarriedUnderspendOffset`]
/// if the waterfall offset overspends against underspends the year end
/// carries forward; and [`ReturnError::Money`] if a sum is beyond the
/// decimal range.
pub fn year_end_return(
    plan: &Plan,
    report: &MonitoringReport,
    ledger: &ContingencyLedger,
    close: &YearEnd,
    outcome: &WaterfallOutcome,
) -> Result<YearEndReturn, ReturnError> {
    for (what, year) in [
        ("year-end outturn", close.year),
        ("contingency ledger", ledger.year()),
        ("waterfall's outcome", outcome.year),
    ] {
        if year != report.year {
            return Err(not_of_round(format!(
                "the {what} is for {year}, but the monitoring round is for {}",
                report.year
            )));
        }
    }
    report.check_plan(plan)?;
    if close.lines.len() != report.lines.len() {
        return Err(not_of_round(format!(
            "the year-end outturn has {} rows, but the monitoring round has {}",
            close.lines.len(),
            report.lines.len()
        )));
    }
    for (l, y) in report.lines.iter().zip(&close.lines) {
        if l.line != y.line || l.contributor != y.contributor || l.revised_budget != y.budget {
            return Err(not_of_round(format!(
                "the year-end outturn's row {} ({}), budget {}, is not the round's row {} ({}), budget {}",
                y.line, y.contributor_id, y.budget, l.line, l.contributor_id, l.revised_budget
            )));
        }
    }
    let failures = outcome.conservation_failures(ledger);
    if !failures.is_empty() {
        return Err(ReturnError::NotConserved { failures });
    }
    // The waterfall must have been run on this outturn.
    let line_exposures = outcome
        .exposures
        .iter()
        .filter(|e| matches!(e.source, ExposureSource::Line { .. }))
        .count();
    let mut overspent_lines = 0usize;
    let mut underspend = Money::ZERO;
    for y in &close.lines {
        let over = y.outturn.checked_sub(y.budget)?;
        if over.is_positive() {
            overspent_lines += 1;
            let found = outcome.exposures.iter().find_map(|e| match &e.source {
                ExposureSource::Line { line, contributor } if *line == y.line && *contributor == y.contributor => {
                    Some(e.amount)
                }
                _ => None,
            });
            if found != Some(over) {
                return Err(not_of_round(format!(
                    "{} ({}) is {over} over budget at the year end, but the waterfall's overspend on it is {}",
                    y.line,
                    y.contributor_id,
                    found.map_or_else(|| "none".to_string(), |m| m.to_string())
                )));
            }
        } else if over.is_negative() {
            underspend = underspend.checked_add(over.negate())?;
        }
    }
    if overspent_lines != line_exposures || underspend != outcome.underspend {
        return Err(not_of_round(format!(
            "the year-end outturn has {overspent_lines} lines over budget and {underspend} underspent, \
             but the waterfall has {line_exposures} lines over budget and {} underspent",
            outcome.underspend
        )));
    }

    let classes = plan.funding_classes();
    let class_of = |f: Funding| -> Result<usize, ReturnError> {
        plan.class_of(f).ok_or_else(|| {
            ReturnError::Monitor(MonitorError::NotThisPlan {
                what: format!("funding {f:?}"),
            })
        })
    };
    // Keyed by (unplanned, class position, contributor): unplanned last.
    type Key = (bool, usize, ContributorIx);
    let mut rows: BTreeMap<Key, YearEndTotals> = BTreeMap::new();
    for a in plan.allocations().iter().filter(|a| a.year == report.year) {
        let t = rows
            .entry((false, class_of(Funding::Source(a.source))?, a.contributor))
            .or_default();
        t.allocation = t.allocation.checked_add(a.amount)?;
    }
    let mut lines = Vec::with_capacity(report.lines.len());
    for (l, y) in report.lines.iter().zip(&close.lines) {
        for (funding, [planned, budget, carried, released]) in
            split_amounts(l, [l.budget, y.budget, y.carried, y.released])?
        {
            let (key, funding_id) = match funding {
                Some(f) => {
                    let id = plan.funding_label(f).map(|(id, _)| id.to_string()).ok_or_else(|| {
                        MonitorError::NotThisPlan {
                            what: format!("funding {f:?} of line {:?}", l.line),
                        }
                    })?;
                    ((false, class_of(f)?, l.contributor), id)
                }
                None => ((true, 0, l.contributor), "unplanned".to_string()),
            };
            let line = YearEndLine {
                line: l.line.clone(),
                name: l.name.clone(),
                contributor: l.contributor,
                contributor_id: l.contributor_id.clone(),
                funding,
                funding_id,
                planned,
                budget,
                outturn: budget.checked_sub(carried)?.checked_sub(released)?,
                carried,
                released,
            };
            rows.entry(key).or_default().add_line(&line)?;
            lines.push(line);
        }
    }
    let mut streams = Vec::with_capacity(rows.len());
    for ((unplanned, class, contributor), t) in rows {
        let contributor_id =
            plan.contributor(contributor)
                .map(|c| c.id.clone())
                .ok_or_else(|| MonitorError::NotThisPlan {
                    what: format!("contributor #{}", contributor.index()),
                })?;
        let (funding, stream, stream_name) = if unplanned {
            (None, "unplanned".to_string(), "No planned funding".to_string())
        } else {
            let c = classes.get(class).ok_or_else(|| MonitorError::NotThisPlan {
                what: format!("funding class #{class}"),
            })?;
            (Some(c.funding), c.id.clone(), c.name.clone())
        };
        streams.push(YearEndStream {
            funding,
            stream,
            stream_name,
            contributor,
            contributor_id,
            allocation: t.allocation,
            planned: t.planned,
            budget: t.budget,
            outturn: t.outturn,
            variance: t.variance,
            carried: t.carried,
            released: t.released,
        });
    }

    let mut met: Vec<OverspendMet> = Vec::new();
    let mut add_met = |stage: OverspendStage, bearer: Bearer, amount: Money| -> Result<(), ReturnError> {
        if let Some(m) = met.iter_mut().find(|m| m.stage == stage && m.bearer == bearer) {
            m.amount = m.amount.checked_add(amount)?;
        } else {
            met.push(OverspendMet {
                stage,
                stage_name: stage.to_string(),
                bearer,
                bearer_id: bearer.label(plan)?,
                amount,
            });
        }
        Ok(())
    };
    for s in &outcome.steps {
        for d in &s.draws {
            add_met(
                OverspendStage::Step(s.step),
                Bearer::Contributor(d.contributor),
                d.amount,
            )?;
        }
    }
    for share in &outcome.shares {
        add_met(OverspendStage::RiskShare, share.bearer, share.amount)?;
    }
    let undelivered_savings = Money::checked_sum(
        outcome
            .exposures
            .iter()
            .filter(|e| matches!(e.source, ExposureSource::SavingsTarget { .. }))
            .map(|e| e.amount),
    )?;

    let ret = YearEndReturn {
        year: report.year,
        basis: close.basis,
        outturn_basis: basis_label(close.basis),
        carry_forward: close.rule.clone(),
        carry_forward_rule: rule_label(&close.rule),
        lines,
        streams,
        overspend: outcome.overspend,
        undelivered_savings,
        met,
        unallocated: outcome.unallocated,
        conditions: Vec::new(),
        planning_mode: None,
    };
    for (c, contributor) in plan.contributors_indexed() {
        let offset = ret.offset_from(c)?;
        let released = ret.underspend_released(c)?;
        if offset > released {
            return Err(ReturnError::CarriedUnderspendOffset {
                contributor: contributor.id.clone(),
                offset,
                released,
            });
        }
    }
    Ok(ret)
}

impl YearEndReturn {
    /// The return with the national conditions in force for its year
    /// confirmed or not from `plan` ([`check_all`] with the calendar and the
    /// area's inputs), as the quarterly return does, and the calendar's
    /// planning mode for the year.
    ///
    /// # Errors
    ///
    /// [`ReturnError::Conditions`] if a condition check fails (see
    /// [`check_all`]).
    pub fn with_conditions(
        mut self,
        plan: &Plan,
        calendar: &PolicyCalendar,
        inputs: &ConditionInputs,
    ) -> Result<YearEndReturn, ReturnError> {
        self.conditions = check_all(plan, calendar, inputs, self.year)?;
        self.planning_mode = calendar
            .in_force(Topic::PlanningMode, self.year)
            .next()
            .map(|r| r.key.clone());
        Ok(self)
    }

    /// The national conditions of the year that the plan meets.
    pub fn conditions_confirmed(&self) -> impl Iterator<Item = &ConditionCheck> {
        self.conditions.iter().filter(|c| c.outcome == Outcome::Met)
    }

    /// The row of the stream funded by `funding` (`None`: spend with no
    /// planned funding) for `contributor`, if any.
    #[must_use]
    pub fn stream(&self, funding: Option<Funding>, contributor: ContributorIx) -> Option<&YearEndStream> {
        self.streams
            .iter()
            .find(|r| r.funding == funding && r.contributor == contributor)
    }

    /// The stream rows matching `keep` added up.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn totals(&self, keep: impl Fn(&YearEndStream) -> bool) -> Result<YearEndTotals, MoneyError> {
        let mut t = YearEndTotals::default();
        for r in self.streams.iter().filter(|r| keep(r)) {
            t.add(r)?;
        }
        Ok(t)
    }

    /// Every stream row added up: the whole pool.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn total(&self) -> Result<YearEndTotals, MoneyError> {
        self.totals(|_| true)
    }

    /// The contributor's stream rows added up.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn contributor_total(&self, contributor: ContributorIx) -> Result<YearEndTotals, MoneyError> {
        self.totals(|r| r.contributor == contributor)
    }

    /// The rows of the stream funded by `funding` added up.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn stream_total(&self, funding: Option<Funding>) -> Result<YearEndTotals, MoneyError> {
        self.totals(|r| r.funding == funding)
    }

    /// What `bearer` bears under the risk share (nothing if it has no share).
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn borne(&self, bearer: Bearer) -> Result<Money, MoneyError> {
        Money::checked_sum(
            self.met
                .iter()
                .filter(|m| m.stage == OverspendStage::RiskShare && m.bearer == bearer)
                .map(|m| m.amount),
        )
    }

    /// What was met at `stage`, from every bearer.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn met_at(&self, stage: OverspendStage) -> Result<Money, MoneyError> {
        Money::checked_sum(self.met.iter().filter(|m| m.stage == stage).map(|m| m.amount))
    }

    /// What the waterfall's offset step drew from `contributor`'s underspends.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn offset_from(&self, contributor: ContributorIx) -> Result<Money, MoneyError> {
        Money::checked_sum(
            self.met
                .iter()
                .filter(|m| {
                    m.stage == OverspendStage::Step(WaterfallStep::OffsetUnderspends)
                        && m.bearer == Bearer::Contributor(contributor)
                })
                .map(|m| m.amount),
        )
    }

    /// `contributor`'s underspends released (not carried forward): its
    /// lines' positive `released`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn underspend_released(&self, contributor: ContributorIx) -> Result<Money, MoneyError> {
        Money::checked_sum(
            self.lines
                .iter()
                .filter(|l| l.contributor == contributor && l.released.is_positive())
                .map(|l| l.released),
        )
    }

    /// Every conservation law the return breaks, in words; empty when money
    /// is conserved to the penny:
    ///
    /// - every line and stream row: `budget = outturn + carried + released`,
    ///   nothing carried below zero, and a row that carries releases nothing;
    ///   every stream row's variance is `outturn - budget`;
    /// - the overspend is the lines' excess over budget plus the undelivered
    ///   savings, and is all met: the steps, the shares borne and what caps
    ///   left unallocated add up to it;
    /// - no contributor's underspends were offset beyond what is released.
    #[must_use]
    pub fn conservation_failures(&self) -> Vec<String> {
        let mut fails = Vec::new();
        let adds_up = |budget: Money, outturn: Money, carried: Money, released: Money| {
            outturn
                .checked_add(carried)
                .and_then(|s| s.checked_add(released))
                .is_ok_and(|s| s == budget)
                && !carried.is_negative()
                && (carried.is_zero() || released.is_zero())
        };
        for l in &self.lines {
            if !adds_up(l.budget, l.outturn, l.carried, l.released) {
                fails.push(format!(
                    "line {} ({}, {}): budget {} is not outturn {} + carried {} + released {}",
                    l.line, l.contributor_id, l.funding_id, l.budget, l.outturn, l.carried, l.released
                ));
            }
        }
        for r in &self.streams {
            let variance = r.outturn.checked_sub(r.budget);
            let budget_back = r.outturn.checked_add(r.carried).and_then(|s| s.checked_add(r.released));
            if budget_back != Ok(r.budget) || variance != Ok(r.variance) || r.carried.is_negative() {
                fails.push(format!("stream {} ({}) does not add up", r.stream, r.contributor_id));
            }
        }
        let excess = Money::checked_sum(
            self.lines
                .iter()
                .filter_map(|l| l.outturn.checked_sub(l.budget).ok())
                .filter(|v| v.is_positive()),
        )
        .and_then(|e| e.checked_add(self.undelivered_savings));
        if excess != Ok(self.overspend) {
            fails.push(format!(
                "the overspend {} is not the lines' excess over budget plus undelivered savings {}",
                self.overspend, self.undelivered_savings
            ));
        }
        let met = Money::checked_sum(self.met.iter().map(|m| m.amount)).and_then(|m| m.checked_add(self.unallocated));
        if met != Ok(self.overspend) {
            fails.push(format!(
                "the overspend {} is not what was met plus unallocated {}",
                self.overspend, self.unallocated
            ));
        }
        for m in self
            .met
            .iter()
            .filter(|m| m.stage == OverspendStage::Step(WaterfallStep::OffsetUnderspends))
        {
            let Bearer::Contributor(c) = m.bearer else {
                fails.push(format!(
                    "underspends of {} were offset: only a contributor has underspends",
                    m.bearer_id
                ));
                continue;
            };
            match (self.offset_from(c), self.underspend_released(c)) {
                (Ok(offset), Ok(released)) if offset <= released => {}
                _ => fails.push(format!(
                    "{}: underspends carried forward were offset against overspends",
                    m.bearer_id
                )),
            }
        }
        fails
    }

    /// Whether money is conserved to the penny (no
    /// [`conservation_failures`](Self::conservation_failures)).
    #[must_use]
    pub fn is_conserved(&self) -> bool {
        self.conservation_failures().is_empty()
    }
}
