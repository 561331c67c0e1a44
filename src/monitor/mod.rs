//! In-year monitoring: per scheme line and contributor, the budget, the
//! actual spend to date (entered by month or by quarter), a forecast outturn
//! and the variance; each contributor's net position in the pool; and the
//! [`QuarterlyReport`] an integration finance group receives, by programme,
//! contributor and funding source.
//!
//! Sign convention: a **variance is forecast minus budget**, so a positive
//! variance is an overspend and a negative one an underspend.
//!
//! ```
//! use bcf_model::calendar::{Month, Quarter};
//! use bcf_model::contingency::ContingencyLedger;
//! use bcf_model::money::{Money, Unit};
//! use bcf_model::monitor::{monitor, Forecast, Monitoring, Period};
//!
//! let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
//! let year = "2017/18".parse()?;
//! let ledger = ContingencyLedger::from_plan(&plan, year)?;
//! let k = |s: &str| Money::parse(s, Unit::Thousands);
//! let q3: Quarter = "2017/18 Q3".parse()?;
//!
//! // Intermediate Care (BCF2.3), West Leicestershire: budget 313.0, 270.0 spent by December.
//! let round = Monitoring::new(Month::new(2017, 12)?)
//!     .actual("BCF2.3", "wl_ccg", Period::Quarter("2017/18 Q1".parse()?), k("90")?)
//!     .actual("BCF2.3", "wl_ccg", Period::Quarter("2017/18 Q2".parse()?), k("90")?)
//!     .actual("BCF2.3", "wl_ccg", Period::Quarter(q3), k("90")?)
//!     .forecast("BCF2.3", "wl_ccg", Forecast::StraightLine);
//! let report = monitor(&plan, &ledger, &round)?;
//! let row = report.row("BCF2.3", "wl_ccg").ok_or("no row")?;
//! assert_eq!(row.forecast, k("360")?);  // 270 over 9 months, for 12
//! assert_eq!(row.variance, k("47")?);   // 360 - 313 overspent
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use crate::calendar::{FinancialYear, Month};
use crate::contingency::ContingencyLedger;
use crate::money::{AllocationError, Money, MoneyError, Precision};
use crate::plan::{ContributorIx, Funding, Plan, ProgrammeIx};

mod outturn;
mod profile;
mod quarterly;
mod round;

pub use outturn::{year_end, CarryForwardRule, LineOutturn, OutturnBasis, YearEnd};
pub use profile::{Profile, ProfileError};
pub(crate) use quarterly::{split_amounts, split_by_funding, Figures};
pub use quarterly::{QuarterlyReport, ReportRow};
pub use round::{Actual, Forecast, MissingActuals, Monitoring, Period};

/// Why a monitoring round could not be made. Each names the line,
/// contributor and period at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MonitorError {
    /// The round's year is not the ledger's, or not in the plan.
    #[error("the round is for {}, but the plan and ledger are for {} (plan years: {plan_years})", crate::text::shown(.round), crate::text::shown(.ledger))]
    WrongYear {
        /// The round's year.
        round: FinancialYear,
        /// The ledger's year.
        ledger: FinancialYear,
        /// The plan's years.
        plan_years: String,
    },
    /// An actual or forecast for a line that is not in the plan.
    #[error("{}: scheme line {line:?} is not in the plan", crate::text::shown(.what))]
    UnknownLine {
        /// Which input.
        what: String,
        /// The line id.
        line: String,
    },
    /// An actual or forecast for a contributor that is not in the plan.
    #[error("{}: contributor {contributor:?} is not in the plan", crate::text::shown(.what))]
    UnknownContributor {
        /// Which input.
        what: String,
        /// The contributor id.
        contributor: String,
    },
    /// An actual for a period after the round, or in another year.
    #[error("actual for {} ({}) in {period} is outside {year} up to {as_at}", crate::text::shown(.line), crate::text::shown(.contributor))]
    PeriodOutsideRound {
        /// The line id.
        line: String,
        /// The contributor id.
        contributor: String,
        /// The period.
        period: String,
        /// The round's year.
        year: FinancialYear,
        /// The round's last month.
        as_at: String,
    },
    /// Two budget profiles for the same line.
    #[error("{} has two budget profiles", crate::text::shown(.line))]
    DuplicateProfile {
        /// The line id.
        line: String,
    },
    /// A line forecast in its profile ([`Forecast::Profiled`]) with nothing
    /// of its year profiled to date, so its spend cannot be scaled up.
    #[error("{} ({}): the {} profile has nothing to date at month {months}, so the spend cannot be scaled up to a year", crate::text::shown(.line), crate::text::shown(.contributor), crate::text::shown(.profile))]
    NothingProfiledToDate {
        /// The line id.
        line: String,
        /// The contributor id.
        contributor: String,
        /// The profile's name.
        profile: String,
        /// Months elapsed.
        months: u32,
    },
    /// A year-end outturn asked of a round that is not at the end of the
    /// year ([`OutturnBasis::Actuals`] needs month 12, March).
    #[error("a year-end outturn from actuals needs a round at March (month 12), not month {months}")]
    NotYearEnd {
        /// Months elapsed in the round.
        months: u32,
    },
    /// Two forecasts for the same line and contributor.
    #[error("{} ({}) has two forecasts", crate::text::shown(.line), crate::text::shown(.contributor))]
    DuplicateForecast {
        /// The line id.
        line: String,
        /// The contributor id.
        contributor: String,
    },
    /// A budget, actual or forecast that is not whole pence.
    #[error("{} ({}): {} {amount} is not whole pence", crate::text::shown(.line), crate::text::shown(.contributor), crate::text::shown(.what))]
    NotWholePence {
        /// The line id.
        line: String,
        /// The contributor id.
        contributor: String,
        /// Which figure.
        what: &'static str,
        /// The figure.
        amount: Money,
    },
    /// An exact split failed.
    #[error("{}: {}", crate::text::shown(.what), crate::text::shown(.source))]
    Allocation {
        /// What was being split.
        what: String,
        /// Why.
        source: AllocationError,
    },
    /// A report read against a plan it was not made from: a line,
    /// programme, contributor or funding source of the report is not in the
    /// plan given, or is a different one there.
    #[error("{} is not in the plan given (was the report made from another plan?)", crate::text::shown(.what))]
    NotThisPlan {
        /// What the report holds that the plan does not.
        what: String,
    },
    /// Money arithmetic overflowed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The contingency ledger refused a question: it was made from another
    /// plan than the one monitored.
    #[error("the contingency ledger: {0}")]
    Ledger(#[from] crate::contingency::ContingencyError),
}

/// One scheme line for one contributor in a monitoring round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineMonitor {
    /// The line id.
    pub line: String,
    /// The line's name.
    pub name: String,
    /// Its programme.
    pub programme: ProgrammeIx,
    /// The contributor.
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// The planned budget (all funding together).
    pub budget: Money,
    /// The planned budget by funding source or group.
    pub funding: Vec<(Funding, Money)>,
    /// Contingency moved into the line (draw-downs naming it) less savings
    /// taken out of it, from the ledger.
    pub budget_change: Money,
    /// `budget + budget_change`: what the line is measured against.
    pub revised_budget: Money,
    /// The budget profile of the line ([`Profile::straight_line`] unless
    /// the round gives another).
    pub profile: Profile,
    /// The revised budget profiled to date: the budget split exactly to the
    /// penny by [`allocate`](crate::money::allocate) in the ratio of the
    /// profile's months elapsed to its months to go, and the first part
    /// taken ([`Profile::budget_to_date`]).
    pub budget_to_date: Money,
    /// The actual spend to date: the actuals entered, or if none were, what
    /// the round's [`MissingActuals`] rule says.
    pub actual_to_date: Money,
    /// `None` if actuals were entered for the line and contributor;
    /// otherwise the rule by which its actual to date was taken.
    pub assumed_actual: Option<MissingActuals>,
    /// How the forecast was made.
    pub method: Forecast,
    /// The forecast outturn for the year.
    pub forecast: Money,
    /// `forecast - revised_budget`: above zero an overspend, below an underspend.
    pub variance: Money,
}

/// One contributor's position in the pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContributorPosition {
    /// The contributor.
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// The revised budgets of its lines.
    pub budget: Money,
    /// Their actual spend to date.
    pub actual_to_date: Money,
    /// Their forecast outturn.
    pub forecast: Money,
    /// Their variance (above zero an overspend).
    pub variance: Money,
    /// What it can still draw from its pools.
    pub contingency_available: Money,
    /// Its savings still to deliver.
    pub undelivered_savings: Money,
    /// Its pool balances (savings targets counting negative) less its
    /// variance: what is left (above zero) or missing (below zero) at the
    /// forecast outturn. With no named pool below zero this is
    /// `contingency_available - undelivered_savings - variance`.
    pub net_position: Money,
}

/// The result of a monitoring round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitoringReport {
    /// The financial year.
    pub year: FinancialYear,
    /// The last month included.
    pub as_at: Month,
    /// Months elapsed (1 for April ... 12 for March).
    pub months_elapsed: u32,
    /// One row per line and contributor with a budget, an actual or a forecast.
    pub lines: Vec<LineMonitor>,
    /// One per contributor, in plan order.
    pub positions: Vec<ContributorPosition>,
}

fn pence(line: &str, contributor: &str, what: &'static str, amount: Money) -> Result<Money, MonitorError> {
    if amount.is_multiple_of(Precision::PENCE) {
        Ok(amount)
    } else {
        Err(MonitorError::NotWholePence {
            line: line.to_string(),
            contributor: contributor.to_string(),
            what,
            amount,
        })
    }
}

/// Makes the monitoring round `round` on `plan`, with the pools and
/// movements in `ledger` (which must be for the round's year).
///
/// Every line and contributor with a planned amount in the year gets a row
/// (rows with a zero budget and no actual or forecast are left out). A line
/// with no actual entered for a contributor has spent to date what the
/// round's [`MissingActuals`] rule says (by default nothing:
/// [`MissingActuals::NothingSpent`]), and its forecast follows from that by
/// its method. Each budget is profiled to date by the line's [`Profile`]
/// (the round's, straight line unless set). Every figure must be whole
/// pence; the forecast is rounded to the penny only by
/// [`Forecast::StraightLine`] and [`Forecast::Profiled`], half to even,
/// once, from the exact value.
///
/// `ledger` must be made from `plan`: a pool whose contributor is another
/// partner here ([`MonitorError::UnknownContributor`]), or a movement naming
/// a line this plan does not have ([`MonitorError::UnknownLine`]), is an error.
///
/// # Errors
///
/// [`MonitorError::WrongYear`] if the ledger is not for the round's year or the
/// plan does not cover it; [`MonitorError::UnknownContributor`] and
/// [`MonitorError::UnknownLine`] for a ledger not made from `plan` (as above)
/// or an actual or forecast naming a contributor or line the plan does not
/// have; [`MonitorError::PeriodOutsideRound`] for an actual in another year or
/// after the round's month; [`MonitorError::DuplicateForecast`] for two
/// forecasts of one line and contributor; [`MonitorError::DuplicateProfile`]
/// for two profiles of one line; [`MonitorError::NothingProfiledToDate`] for
/// a line forecast [`Forecast::Profiled`] whose profile has nothing to date;
/// [`MonitorError::NotWholePence`] for a
/// budget, actual or given forecast that is not whole pence;
/// [`MonitorError::Allocation`] if a budget cannot be profiled to date; and
/// [`MonitorError::Money`] if a sum or a forecast is beyond the decimal range.
pub fn monitor(plan: &Plan, ledger: &ContingencyLedger, round: &Monitoring) -> Result<MonitoringReport, MonitorError> {
    let year = round.year();
    if ledger.year() != year || plan.year_index(year).is_none() {
        return Err(MonitorError::WrongYear {
            round: year,
            ledger: ledger.year(),
            plan_years: crate::plan::years_text(plan.years()),
        });
    }
    let months = round.as_at.month_of_year();
    // A ledger made from another plan would credit its pools to whichever
    // contributor has the same position here, and ignore draw-downs into
    // lines this plan does not have: refuse it.
    for pool in ledger.pools() {
        if plan.contributor(pool.contributor).map(|c| c.id.as_str()) != Some(pool.contributor_id.as_str()) {
            return Err(MonitorError::UnknownContributor {
                what: format!("contingency pool {}", pool.label()),
                contributor: pool.contributor_id.clone(),
            });
        }
        for line in pool.movements().iter().filter_map(|m| m.line.as_deref()) {
            if plan.line(line).is_none() {
                return Err(MonitorError::UnknownLine {
                    what: format!("a movement on contingency pool {}", pool.label()),
                    line: line.to_string(),
                });
            }
        }
    }
    // Every contributor index below comes from this plan (its lines, its
    // ids, or the pools just checked).
    let contributor_id = |c: ContributorIx| -> Result<String, MonitorError> {
        plan.contributor(c)
            .map(|c| c.id.clone())
            .ok_or_else(|| MonitorError::UnknownContributor {
                what: "monitoring".to_string(),
                contributor: format!("#{}", c.index()),
            })
    };

    // Budgets by (line position, contributor).
    let mut rows: BTreeMap<(usize, ContributorIx), Vec<(Funding, Money)>> = BTreeMap::new();
    for (li, line) in plan.lines().iter().enumerate() {
        for a in line.amounts().filter(|a| a.year == year) {
            rows.entry((li, a.contributor)).or_default().push((a.funding, a.amount));
        }
    }
    let line_pos = |what: &str, id: &str| {
        plan.lines()
            .iter()
            .position(|l| l.id() == id)
            .ok_or_else(|| MonitorError::UnknownLine {
                what: what.to_string(),
                line: id.to_string(),
            })
    };
    let contributor_pos = |what: &str, id: &str| {
        plan.contributor_ix(id).ok_or_else(|| MonitorError::UnknownContributor {
            what: what.to_string(),
            contributor: id.to_string(),
        })
    };
    let mut actuals: BTreeMap<(usize, ContributorIx), Money> = BTreeMap::new();
    for a in &round.actuals {
        let what = format!("actual for {} ({}) in {}", a.line, a.contributor, a.period);
        let li = line_pos(&what, &a.line)?;
        let c = contributor_pos(&what, &a.contributor)?;
        let last = a.period.last_month();
        if a.period.year() != year || last.month_of_year() > months {
            return Err(MonitorError::PeriodOutsideRound {
                line: a.line.clone(),
                contributor: a.contributor.clone(),
                period: a.period.to_string(),
                year,
                as_at: round.as_at.label(),
            });
        }
        pence(&a.line, &a.contributor, "actual", a.amount)?;
        let slot = actuals.entry((li, c)).or_insert(Money::ZERO);
        *slot = slot.checked_add(a.amount)?;
        rows.entry((li, c)).or_default();
    }
    // Lines that pool movements name get a row even without a planned amount.
    for pool in ledger.pools() {
        for id in pool.movements().iter().filter_map(|m| m.line.as_deref()) {
            let li = plan
                .lines()
                .iter()
                .position(|l| l.id() == id)
                .expect("checked above: every line a movement names is in the plan");
            rows.entry((li, pool.contributor)).or_default();
        }
    }
    let mut methods: BTreeMap<(usize, ContributorIx), Forecast> = BTreeMap::new();
    for (line, contributor, f) in &round.forecasts {
        let what = format!("forecast for {line} ({contributor})");
        let key = (line_pos(&what, line)?, contributor_pos(&what, contributor)?);
        if let Forecast::Given(m) = f {
            pence(line, contributor, "forecast", *m)?;
        }
        if methods.insert(key, *f).is_some() {
            return Err(MonitorError::DuplicateForecast {
                line: line.clone(),
                contributor: contributor.clone(),
            });
        }
        rows.entry(key).or_default();
    }

    let mut profiles: BTreeMap<usize, &Profile> = BTreeMap::new();
    for (line, profile) in &round.line_profiles {
        let li = line_pos(&format!("budget profile of {line}"), line)?;
        if profiles.insert(li, profile).is_some() {
            return Err(MonitorError::DuplicateProfile { line: line.clone() });
        }
    }

    let mut lines = Vec::with_capacity(rows.len());
    for ((li, c), funding) in rows {
        let line = plan
            .lines()
            .get(li)
            .expect("every row key is the position of a line of this plan");
        let cid = contributor_id(c)?;
        let budget = pence(
            line.id(),
            &cid,
            "budget",
            Money::checked_sum(funding.iter().map(|f| f.1))?,
        )?;
        let entered = actuals.get(&(li, c)).copied();
        let method = methods.get(&(li, c)).copied();
        let budget_change = ledger.line_budget_change(line.id(), c)?;
        let touched = entered.is_some_and(|a| !a.is_zero()) || method.is_some() || !budget_change.is_zero();
        if budget.is_zero() && !touched {
            continue;
        }
        // The round's documented default method for lines without their own.
        let method = method.unwrap_or(round.default_forecast);
        let revised = budget.checked_add(budget_change)?;
        let profile = profiles.get(&li).copied().unwrap_or(&round.profile);
        let to_date = profile
            .budget_to_date(revised, months)
            .map_err(|source| MonitorError::Allocation {
                what: format!("profiling the budget of {} ({cid})", line.id()),
                source,
            })?;
        // A line with no actual entered: the round's named rule, never a silent zero.
        let (actual, assumed_actual) = match (entered, round.missing_actuals) {
            (Some(a), _) => (a, None),
            (None, rule @ MissingActuals::NothingSpent) => (Money::ZERO, Some(rule)),
            (None, rule @ MissingActuals::OnBudgetToDate) => (to_date, Some(rule)),
        };
        let forecast = match method {
            Forecast::Given(m) => m,
            Forecast::StraightLine => straight_line(actual, months)?,
            Forecast::BudgetPlusVariance => revised.checked_add(actual.checked_sub(to_date)?)?,
            Forecast::OnBudget => revised,
            Forecast::Profiled => {
                profile
                    .scale_to_year(actual, months)?
                    .ok_or_else(|| MonitorError::NothingProfiledToDate {
                        line: line.id().to_string(),
                        contributor: cid.clone(),
                        profile: profile.label().to_string(),
                        months,
                    })?
            }
        };
        lines.push(LineMonitor {
            line: line.id().to_string(),
            name: line.name().to_string(),
            programme: line.programme(),
            contributor: c,
            contributor_id: cid,
            budget,
            funding,
            budget_change,
            revised_budget: revised,
            profile: profile.clone(),
            budget_to_date: to_date,
            actual_to_date: actual,
            assumed_actual,
            method,
            forecast,
            variance: forecast.checked_sub(revised)?,
        });
    }

    let mut positions = Vec::with_capacity(plan.contributors().len());
    for (c, _) in plan.contributors_indexed() {
        let mine = || lines.iter().filter(|l| l.contributor == c);
        let budget = Money::checked_sum(mine().map(|l| l.revised_budget))?;
        let actual_to_date = Money::checked_sum(mine().map(|l| l.actual_to_date))?;
        let forecast = Money::checked_sum(mine().map(|l| l.forecast))?;
        let variance = Money::checked_sum(mine().map(|l| l.variance))?;
        let available = ledger.available(c)?;
        let undelivered = ledger.undelivered(c)?;
        let balances = ledger.net_position(c)?;
        positions.push(ContributorPosition {
            contributor: c,
            contributor_id: contributor_id(c)?,
            budget,
            actual_to_date,
            forecast,
            variance,
            contingency_available: available,
            undelivered_savings: undelivered,
            net_position: balances.checked_sub(variance)?,
        });
    }
    Ok(MonitoringReport {
        year,
        as_at: round.as_at,
        months_elapsed: months,
        lines,
        positions,
    })
}

impl MonitoringReport {
    /// The row of line `line` for contributor id `contributor`, if any.
    #[must_use]
    pub fn row(&self, line: &str, contributor: &str) -> Option<&LineMonitor> {
        self.lines
            .iter()
            .find(|l| l.line == line && l.contributor_id == contributor)
    }

    /// The position of contributor `contributor`.
    #[must_use]
    pub fn position(&self, contributor: ContributorIx) -> Option<&ContributorPosition> {
        self.positions.iter().find(|p| p.contributor == contributor)
    }

    /// Every line's variance added up: the pool's forecast over (above zero)
    /// or under (below zero) spend on scheme lines.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn total_variance(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(self.lines.iter().map(|l| l.variance))
    }
}

/// `actual × 12 ÷ months` to the penny, half to even, rounded once from the
/// exact value: in whole pence, as integers (the decimal would round
/// `actual × 12` itself once it passes 28 digits). `actual` is whole pence.
fn straight_line(actual: Money, months: u32) -> Result<Money, MoneyError> {
    profile::scale_half_even(actual, 12, u128::from(months)).ok_or_else(|| MoneyError::Overflow {
        op: "× 12 ÷",
        left: actual.to_string(),
        right: months.to_string(),
    })
}
