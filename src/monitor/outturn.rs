//! The year-end outturn of a monitoring round, and the underspends carried
//! forward into the next year under a stated [`CarryForwardRule`].

use crate::calendar::FinancialYear;
use crate::money::Money;
use crate::plan::{ContributorIx, Plan};

use super::{MonitorError, MonitoringReport};

/// What a line's outturn for the year is taken to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutturnBasis {
    /// The actual spend for the year: the actual to date of a round made
    /// at March (month 12). A round at any other month is refused
    /// ([`MonitorError::NotYearEnd`]).
    Actuals,
    /// The round's forecast (for a round closed before the ledger is, with
    /// each line's outturn given as [`Forecast::Given`](super::Forecast::Given)).
    Forecast,
}

/// Which underspends are carried forward to the next year. Overspends are
/// never carried forward: they are met in the year, under the risk share.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CarryForwardRule {
    /// Nothing is carried: every underspend is released.
    Nothing,
    /// Every line's underspend is carried forward.
    AllUnderspends,
    /// The underspends of the lines with these ids are carried forward (for
    /// example schemes whose spend slipped into the next year); every other
    /// underspend is released.
    FlaggedLines(Vec<String>),
}

/// One line and contributor at the year end.
///
/// `budget = outturn + carried + released`, to the penny.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineOutturn {
    /// The line id.
    pub line: String,
    /// The contributor.
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// The revised budget (planned budget plus contingency moved in, less
    /// savings taken out).
    pub budget: Money,
    /// The outturn for the year.
    pub outturn: Money,
    /// The underspend carried forward to the next year (zero or above).
    pub carried: Money,
    /// What is neither spent nor carried: an underspend released back to
    /// the pool (above zero), or an overspend to be met under the risk
    /// share (below zero).
    pub released: Money,
}

/// The year-end outturn of a monitoring round: per line and contributor,
/// the outturn, the underspend carried forward and what is released.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearEnd {
    /// The financial year closed.
    pub year: FinancialYear,
    /// How each outturn was taken.
    pub basis: OutturnBasis,
    /// The rule that chose what is carried.
    pub rule: CarryForwardRule,
    /// One per row of the monitoring report, in its order.
    pub lines: Vec<LineOutturn>,
}

/// The year-end outturn of `report` (a round on `plan`): each line's outturn
/// by `basis`, and its underspend carried forward if `rule` carries that
/// line's, else released. An overspend is never carried: it is released as
/// a negative amount, to be met under the risk share. Every line keeps
/// `budget = outturn + carried + released` exactly, to the penny: nothing is
/// rounded, as every figure of a monitoring round is whole pence.
///
/// [`YearEnd::carried_by_contributor`] gives each partner's total carried,
/// the value that seeds the next year's contingency or line budgets.
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::money::{Money, Unit};
/// use bcf_model::monitor::{monitor, year_end, CarryForwardRule, Monitoring, OutturnBasis, Period};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// // Assistive Technology (BCF3.1, County Council), budget 760.0: 700.0 spent in the year.
/// let march = Monitoring::new("2018-03".parse()?)
///     .actual("BCF3.1", "lcc", Period::Month("2018-03".parse()?), k("700")?);
/// let report = monitor(&plan, &ledger, &march)?;
/// let rule = CarryForwardRule::FlaggedLines(vec!["BCF3.1".to_string()]);
/// let close = year_end(&plan, &report, OutturnBasis::Actuals, &rule)?;
/// let at = close.line("BCF3.1", "lcc").ok_or("no row")?;
/// assert_eq!((at.outturn, at.carried, at.released), (k("700")?, k("60")?, Money::ZERO));
/// assert!(close.is_conserved());
/// let lcc = plan.contributor_ix("lcc").ok_or("no lcc")?;
/// assert_eq!(close.carried_by_contributor()?, vec![(lcc, k("60")?)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`MonitorError::NotYearEnd`] for [`OutturnBasis::Actuals`] on a round not
/// at March; [`MonitorError::UnknownLine`] for a flagged line the plan does
/// not have; [`MonitorError::NotThisPlan`] if the report was not made from
/// `plan`; and [`MonitorError::Money`] if a figure is beyond the decimal
/// range.
pub fn year_end(
    plan: &Plan,
    report: &MonitoringReport,
    basis: OutturnBasis,
    rule: &CarryForwardRule,
) -> Result<YearEnd, MonitorError> {
    report.check_plan(plan)?;
    if basis == OutturnBasis::Actuals && report.months_elapsed != 12 {
        return Err(MonitorError::NotYearEnd {
            months: report.months_elapsed,
        });
    }
    if let CarryForwardRule::FlaggedLines(flagged) = rule {
        if let Some(unknown) = flagged.iter().find(|l| plan.line(l).is_none()) {
            return Err(MonitorError::UnknownLine {
                what: "a line flagged to carry forward".to_string(),
                line: unknown.clone(),
            });
        }
    }
    let mut lines = Vec::with_capacity(report.lines.len());
    for l in &report.lines {
        let outturn = match basis {
            OutturnBasis::Actuals => l.actual_to_date,
            OutturnBasis::Forecast => l.forecast,
        };
        let budget = l.revised_budget;
        let left = budget.checked_sub(outturn)?;
        let carries = match rule {
            CarryForwardRule::AllUnderspends => true,
            CarryForwardRule::FlaggedLines(flagged) => flagged.contains(&l.line),
            CarryForwardRule::Nothing => false,
        };
        let carried = if carries && left.is_positive() {
            left
        } else {
            Money::ZERO
        };
        lines.push(LineOutturn {
            line: l.line.clone(),
            contributor: l.contributor,
            contributor_id: l.contributor_id.clone(),
            budget,
            outturn,
            carried,
            released: left.checked_sub(carried)?,
        });
    }
    Ok(YearEnd {
        year: report.year,
        basis,
        rule: rule.clone(),
        lines,
    })
}

impl YearEnd {
    /// The row of line `line` for contributor id `contributor`, if any.
    #[must_use]
    pub fn line(&self, line: &str, contributor: &str) -> Option<&LineOutturn> {
        self.lines
            .iter()
            .find(|l| l.line == line && l.contributor_id == contributor)
    }

    /// Each contributor's total carried forward, for those carrying
    /// anything, in the order of the plan's contributors: what seeds its
    /// next year's contingency or line budgets.
    ///
    /// # Errors
    ///
    /// [`MonitorError::Money`] if a total is beyond the decimal range.
    pub fn carried_by_contributor(&self) -> Result<Vec<(ContributorIx, Money)>, MonitorError> {
        let mut totals: std::collections::BTreeMap<ContributorIx, Money> = std::collections::BTreeMap::new();
        for l in self.lines.iter().filter(|l| !l.carried.is_zero()) {
            let slot = totals.entry(l.contributor).or_insert(Money::ZERO);
            *slot = slot.checked_add(l.carried)?;
        }
        Ok(totals.into_iter().collect())
    }

    /// The totals of every line: `[budget, outturn, carried, released]`.
    ///
    /// # Errors
    ///
    /// [`MonitorError::Money`] if a total is beyond the decimal range.
    pub fn totals(&self) -> Result<[Money; 4], MonitorError> {
        let sum = |f: fn(&LineOutturn) -> Money| Money::checked_sum(self.lines.iter().map(f));
        Ok([
            sum(|l| l.budget)?,
            sum(|l| l.outturn)?,
            sum(|l| l.carried)?,
            sum(|l| l.released)?,
        ])
    }

    /// Whether every line keeps `budget = outturn + carried + released`
    /// exactly, and carries nothing negative and no more than its
    /// underspend (so nothing of an overspend).
    #[must_use]
    pub fn is_conserved(&self) -> bool {
        self.lines.iter().all(|l| {
            let back = l.outturn.checked_add(l.carried).and_then(|s| s.checked_add(l.released));
            let underspend = l.budget.checked_sub(l.outturn);
            back == Ok(l.budget)
                && !l.carried.is_negative()
                && (l.carried.is_zero() || underspend.is_ok_and(|u| l.carried <= u))
        })
    }
}
