//! The quarterly return as values: from a plan, a monitoring round's
//! [`MonitoringReport`] and the contingency ledger, per funding stream and
//! contributor, the income to date, the spend to date, the forecast outturn
//! and its variance, and the pooled balance to date; the contingency used
//! per pool. [`QuarterlyReturn::with_ibcf_measures`] adds the iBCF
//! quarterly measures ([`IbcfMeasures`]): the grant's spend to date by the
//! three purposes of its conditions, each purpose's exact share, and the
//! provider fee uplifts.
//!
//! At the year's end, [`year_end_return`] gives the [`YearEndReturn`]:
//! outturn against plan per stream and contributor, underspends carried
//! forward or released, and the overspend met by the waterfall and borne
//! under the risk share; [`end_of_year_reconciliation`] gives the form of
//! 2020/21, when no plans were required ([`EndOfYearReconciliation`]).
//!
//! A **funding stream** is a funding class of the plan (a
//! [`FundingGroup`](crate::plan::FundingGroup), or a source in no group), as
//! reconciliation checks income against spend: income is an allocation of a
//! source, and a line funded by a group spends the income of all its
//! members. Spend on a line with no planned funding (one that only a
//! contingency draw-down gave a budget) is a stream of its own, `unplanned`,
//! with no income.
//!
//! **Income to date** is the stream's allocation for the year from the
//! contributor, profiled to the end of the round's month the same way a
//! budget is ([`Profile::budget_to_date`]: straight line unless another
//! profile is given), split exactly to the penny. **Spend to date** is the
//! actual spend to date of the lines the stream funds (a line funded from
//! several streams split across them pro rata to its planned amounts,
//! exactly, as in [`MonitoringReport::quarterly`]). The **pooled balance to
//! date** is what the pool holds for the stream and contributor at the end of
//! the round's month: the pool opens the year empty (a plan carries no
//! balance in from the year before), receives the income to date and pays
//! the spend to date, so its change over the year so far is income to date
//! less spend to date, to the penny. Contingency held in the plan and not
//! yet drawn is part of that balance; the ledger's movements are reported
//! per pool in [`QuarterlyReturn::contingency`].
//!
//! ```
//! use bcf_model::contingency::ContingencyLedger;
//! use bcf_model::money::{Money, Unit};
//! use bcf_model::monitor::{monitor, Forecast, Monitoring, Period};
//! use bcf_model::returns::quarterly_return;
//!
//! let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
//! let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
//! let k = |s: &str| Money::parse(s, Unit::Thousands);
//! let round = Monitoring::new("2017-06".parse()?)
//!     .default_forecast(Forecast::OnBudget)
//!     .actual("BCF3.1", "lcc", Period::Quarter("2017/18 Q1".parse()?), k("180")?);
//! let report = monitor(&plan, &ledger, &round)?;
//! let q1 = quarterly_return(&plan, &report, &ledger)?;
//! // The County Council's iBCF grants, 9,525.6 for the year: a quarter of
//! // it received by June, and 180.0 spent, on Assistive Technology alone.
//! let lcc = plan.contributor_ix("lcc").ok_or("no lcc")?;
//! let ibcf = q1.stream(plan.funding("ibcf"), lcc).ok_or("no iBCF row")?;
//! assert_eq!(ibcf.income_to_date, k("2,381.4")?);
//! assert_eq!(ibcf.spend_to_date, k("180")?);
//! assert_eq!(ibcf.balance_to_date, k("2,201.4")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use crate::calendar::{FinancialYear, Month, Quarter};
use crate::conditions::{check_all, ConditionError, ConditionInputs};
use crate::contingency::{ContingencyError, ContingencyLedger, MovementKind};
use crate::metrics::{MetricCalendar, MetricSetError, Rag};
use crate::money::{AllocationError, Money, MoneyError};
use crate::monitor::{split_by_funding, Figures, MonitorError, MonitoringReport, Profile};
use crate::plan::{ContributorIx, Funding, FundingClass, FundingSourceKind, Plan};
use crate::policy::PolicyCalendar;
use crate::verdict::{ConditionCheck, Outcome};

mod ibcf;
mod reconciliation;
mod year_end;

pub use ibcf::{
    IbcfLineSpend, IbcfMeasures, IbcfPurpose, IbcfPurposeSpend, IbcfPurposes, IbcfShare, ProviderFeeUplifts,
    UnknownIbcfPurpose,
};
pub use reconciliation::{
    end_of_year_reconciliation, EndOfYearReconciliation, MandatorySource, MandatorySpend, SocialCareSpend,
};
pub use year_end::{
    year_end_return, OverspendMet, OverspendStage, YearEndLine, YearEndReturn, YearEndStream, YearEndTotals,
};

/// Why a return could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReturnError {
    /// The monitoring report and the contingency ledger are for different years.
    #[error("the monitoring report is for {report}, but the contingency ledger is for {ledger}")]
    WrongYear {
        /// The report's year.
        report: FinancialYear,
        /// The ledger's year.
        ledger: FinancialYear,
    },
    /// The report, or the ledger, was not made from the plan given, or a
    /// line's figures could not be split across its funding.
    #[error(transparent)]
    Monitor(#[from] MonitorError),
    /// A pool of the ledger names a contributor the plan does not have.
    #[error("{}", crate::text::shown(.0))]
    Ledger(#[from] ContingencyError),
    /// An allocation could not be profiled to date (not whole pence, or
    /// beyond the range pence can count).
    #[error("profiling the income of {} from {} to date: {source}", crate::text::shown(.stream), crate::text::shown(.contributor))]
    Income {
        /// The stream's id.
        stream: String,
        /// The contributor's id.
        contributor: String,
        /// Why.
        source: AllocationError,
    },
    /// Money arithmetic overflowed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The national conditions could not be checked.
    #[error("checking the national conditions: {0}")]
    Conditions(#[from] ConditionError),
    /// The metric calendar has no rule at all for the return's year.
    #[error("the metric set: {0}")]
    Metrics(MetricSetError),
    /// The year-end outturn, the contingency ledger or the waterfall's
    /// outcome given with a monitoring round is not of that round: another
    /// year, other rows, or other overspends and underspends.
    #[error("{} (were they made from another round?)", crate::text::shown(.what))]
    NotOfThisRound {
        /// What differs, and where.
        what: String,
    },
    /// The waterfall's outcome does not conserve money against the ledger
    /// given ([`WaterfallOutcome::conservation_failures`](crate::waterfall::WaterfallOutcome::conservation_failures)).
    #[error("the waterfall's outcome does not conserve money against the ledger given: {}", crate::text::shown(&.failures.join("; ")))]
    NotConserved {
        /// Each law broken, in words.
        failures: Vec<String>,
    },
    /// The waterfall offset more of a contributor's underspends against
    /// overspends than the year end releases: the rest is carried forward,
    /// and cannot also meet an overspend.
    #[error("the waterfall offset {offset} of the underspends of {} against overspends, but the year end releases only {released} of them: the rest is carried forward and cannot also meet an overspend", crate::text::shown(.contributor))]
    CarriedUnderspendOffset {
        /// The contributor's id.
        contributor: String,
        /// What the waterfall's offset step drew from its underspends.
        offset: Money,
        /// Its underspends released (not carried forward).
        released: Money,
    },
    /// A funding class mixes mandatory funding sources of different kinds
    /// (or a mandatory source with others), so its spend cannot be given
    /// per mandatory source.
    #[error("funding {} mixes {kinds}: its spend cannot be given per mandatory funding source", crate::text::shown(.stream))]
    MixedMandatorySources {
        /// The funding class's id.
        stream: String,
        /// The kinds of its member sources.
        kinds: String,
    },
    /// A funding class mixes the iBCF grants with other sources, so its
    /// spend cannot be given as iBCF spend.
    #[error("funding {} mixes the iBCF grants with other sources ({kinds}): its spend cannot be given as iBCF spend", crate::text::shown(.stream))]
    MixedIbcfFunding {
        /// The funding class's id.
        stream: String,
        /// The kinds of its member sources.
        kinds: String,
    },
    /// iBCF-funded lines of the round were given no purpose (neither by
    /// line id nor by iBCF allocation code).
    #[error("no iBCF purpose was given for {}: each iBCF-funded line must be given one of the grant's three purposes", crate::text::shown(&.lines.join(", ")))]
    IbcfPurposeMissing {
        /// Each such line, by id and contributor (and code, if it has one).
        lines: Vec<String>,
    },
    /// A purpose was given for a line the plan does not have.
    #[error("an iBCF purpose was given for line {}, which the plan does not have", crate::text::shown(.line))]
    UnknownIbcfLine {
        /// The line id as given.
        line: String,
    },
}

/// Whether a metric of the year's set is on track in a [`QuarterlyReturn`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OnTrack {
    /// Rated green for the quarter: on track.
    OnTrack {
        /// The rating given.
        rag: Rag,
    },
    /// Rated amber or red for the quarter: not on track.
    NotOnTrack {
        /// The rating given.
        rag: Rag,
    },
    /// No rating: the return does not decide it.
    NotAssessed {
        /// Why.
        why: String,
    },
}

impl OnTrack {
    /// `on track`, `not on track (R)`, `not assessed`.
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            OnTrack::OnTrack { rag } => format!("on track ({})", rag.letter()),
            OnTrack::NotOnTrack { rag } => format!("not on track ({})", rag.letter()),
            OnTrack::NotAssessed { .. } => "not assessed".to_string(),
        }
    }
}

/// One metric of the year's metric set in a [`QuarterlyReturn`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MetricStatus {
    /// The metric's key in the policy calendar.
    pub key: String,
    /// Its wording, if the calendar gives it.
    pub wording: Option<String>,
    /// Whether its place in the set and its definition were confirmed.
    pub confirmed: bool,
    /// On track or not, or why it was not assessed.
    pub status: OnTrack,
}

/// What the return says of the national conditions and the metrics of its
/// year: see [`QuarterlyReturn::with_assurance`].
#[derive(Clone, Copy, Debug)]
pub struct Assurance<'a> {
    /// The policy calendar: which conditions are in force.
    pub calendar: &'a PolicyCalendar,
    /// The area's inputs to the condition checks.
    pub inputs: &'a ConditionInputs,
    /// The metric calendar: the year's metric set.
    pub metrics: &'a MetricCalendar,
    /// The quarter's rating of each metric, by key, where one was made
    /// (from the metrics module's RAG assessment or the area's dashboard).
    pub ratings: &'a BTreeMap<String, Rag>,
}

/// One funding stream and contributor in a [`QuarterlyReturn`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StreamReturn {
    /// The stream's funding class: a group, or a source in no group; `None`
    /// for spend on lines with no planned funding.
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
    /// The stream's allocations from the contributor for the year (its
    /// member sources' together).
    pub allocation: Money,
    /// The allocation profiled to the end of the round's month.
    pub income_to_date: Money,
    /// The revised budgets of the lines the stream funds (a line funded
    /// from several streams split pro rata).
    pub budget: Money,
    /// Their actual spend to date.
    pub spend_to_date: Money,
    /// Their forecast outturn.
    pub forecast: Money,
    /// `forecast - budget`: above zero an overspend.
    pub variance: Money,
    /// `income_to_date - spend_to_date`: what the pool holds for the stream
    /// and contributor at the end of the round's month, the year having
    /// opened with none.
    pub balance_to_date: Money,
}

/// One contingency pool's use in the year to date, from the ledger.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ContingencyUse {
    /// The contingency line's id.
    pub line: String,
    /// Its name.
    pub name: String,
    /// The contributor.
    #[serde(skip)]
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// The planned amount.
    pub opening: Money,
    /// Drawn down to meet pressures.
    pub drawn_down: Money,
    /// Released back to the partners or to general use.
    pub released: Money,
    /// Savings delivered against a cost improvement target.
    pub savings_delivered: Money,
    /// The balance now.
    pub balance: Money,
}

impl ContingencyUse {
    /// The contingency used: drawn down and released.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn used(&self) -> Result<Money, MoneyError> {
        self.drawn_down.checked_add(self.released)
    }
}

/// The figures of a [`QuarterlyReturn`] added up over some of its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReturnTotals {
    /// Allocations for the year.
    pub allocation: Money,
    /// Income to date.
    pub income_to_date: Money,
    /// Revised budgets.
    pub budget: Money,
    /// Spend to date.
    pub spend_to_date: Money,
    /// Forecast outturn.
    pub forecast: Money,
    /// Forecast less budget.
    pub variance: Money,
    /// Pooled balance to date.
    pub balance_to_date: Money,
}

impl ReturnTotals {
    fn add(&mut self, r: &StreamReturn) -> Result<(), MoneyError> {
        self.allocation = self.allocation.checked_add(r.allocation)?;
        self.income_to_date = self.income_to_date.checked_add(r.income_to_date)?;
        self.budget = self.budget.checked_add(r.budget)?;
        self.spend_to_date = self.spend_to_date.checked_add(r.spend_to_date)?;
        self.forecast = self.forecast.checked_add(r.forecast)?;
        self.variance = self.variance.checked_add(r.variance)?;
        self.balance_to_date = self.balance_to_date.checked_add(r.balance_to_date)?;
        Ok(())
    }
}

/// The quarterly return of a monitoring round: see the [module
/// documentation](self).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct QuarterlyReturn {
    /// The financial year.
    pub year: FinancialYear,
    /// The last month included.
    pub as_at: Month,
    /// The quarter that month falls in.
    pub quarter: Quarter,
    /// Months elapsed (1 for April ... 12 for March).
    pub months_elapsed: u32,
    /// How income was profiled to date (`straight line` unless given).
    pub income_profile: String,
    /// One row per stream and contributor with income or spend, streams in
    /// the plan's order of funding classes (`unplanned` last), contributors
    /// in plan order within each.
    pub streams: Vec<StreamReturn>,
    /// One row per contingency pool, in the ledger's order.
    pub contingency: Vec<ContingencyUse>,
    /// The national conditions in force for the year, as checked from the
    /// plan ([`check_all`]); empty until [`QuarterlyReturn::with_assurance`].
    pub conditions: Vec<ConditionCheck>,
    /// Each metric of the year's set, on track or not; empty until
    /// [`QuarterlyReturn::with_assurance`], or if the year has no set.
    pub metrics: Vec<MetricStatus>,
    /// Why [`metrics`](Self::metrics) is empty when the calendar sets no
    /// metric for the year (2020/21), from the calendar's note.
    pub no_metric_set: Option<String>,
    /// The iBCF quarterly measures: spend to date per purpose of the
    /// grant, shares and provider fee uplifts; `None` until
    /// [`QuarterlyReturn::with_ibcf_measures`].
    pub ibcf: Option<IbcfMeasures>,
}

/// The quarterly return of `report` (a monitoring round on `plan`) with
/// `ledger` (the round's contingency ledger), income profiled straight line.
///
/// # Errors
///
/// As [`quarterly_return_profiled`].
pub fn quarterly_return(
    plan: &Plan,
    report: &MonitoringReport,
    ledger: &ContingencyLedger,
) -> Result<QuarterlyReturn, ReturnError> {
    quarterly_return_profiled(plan, report, ledger, &Profile::straight_line())
}

/// The quarterly return of `report` (a monitoring round on `plan`) with
/// `ledger`, each stream's allocation profiled to date by `income_profile`.
///
/// # Errors
///
/// [`ReturnError::WrongYear`] if the ledger is not for the report's year;
/// [`ReturnError::Monitor`] if the report was not made from `plan`
/// ([`MonitorError::NotThisPlan`]) or a line's figures cannot be split
/// across its funding; [`ReturnError::Ledger`] if a pool's contributor is not
/// the plan's; [`ReturnError::Income`] if an allocation cannot be profiled;
/// and [`ReturnError::Money`] if a sum is beyond the decimal range.
pub fn quarterly_return_profiled(
    plan: &Plan,
    report: &MonitoringReport,
    ledger: &ContingencyLedger,
    income_profile: &Profile,
) -> Result<QuarterlyReturn, ReturnError> {
    if ledger.year() != report.year {
        return Err(ReturnError::WrongYear {
            report: report.year,
            ledger: ledger.year(),
        });
    }
    report.check_plan(plan)?;
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
    // Each stream and contributor's allocation and spend figures, both
    // starting at zero: a stream with no allocation from the contributor
    // receives nothing, and one funding none of its lines spends nothing.
    let mut rows: BTreeMap<Key, (Money, Figures)> = BTreeMap::new();
    for a in plan.allocations().iter().filter(|a| a.year == report.year) {
        let (slot, _) = rows
            .entry((false, class_of(Funding::Source(a.source))?, a.contributor))
            .or_default();
        *slot = slot.checked_add(a.amount)?;
    }
    for l in &report.lines {
        let f = Figures {
            budget: l.revised_budget,
            actual_to_date: l.actual_to_date,
            forecast: l.forecast,
        };
        for (funding, part) in split_by_funding(l, &f)? {
            let key = match funding {
                Some(k) => (false, class_of(k)?, l.contributor),
                None => (true, 0, l.contributor),
            };
            rows.entry(key).or_default().1.add(&part)?;
        }
    }
    let mut streams = Vec::with_capacity(rows.len());
    for (key, (allocation, figures)) in rows {
        let (unplanned, class, contributor) = key;
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
        let income_to_date = income_profile
            .budget_to_date(allocation, report.months_elapsed)
            .map_err(|source| ReturnError::Income {
                stream: stream.clone(),
                contributor: contributor_id.clone(),
                source,
            })?;
        streams.push(StreamReturn {
            funding,
            stream,
            stream_name,
            contributor,
            contributor_id,
            allocation,
            income_to_date,
            budget: figures.budget,
            spend_to_date: figures.actual_to_date,
            forecast: figures.forecast,
            variance: figures.forecast.checked_sub(figures.budget)?,
            balance_to_date: income_to_date.checked_sub(figures.actual_to_date)?,
        });
    }

    let mut contingency = Vec::with_capacity(ledger.pools().len());
    for pool in ledger.pools() {
        if plan.contributor(pool.contributor).map(|c| c.id.as_str()) != Some(pool.contributor_id.as_str()) {
            return Err(MonitorError::UnknownContributor {
                what: format!("contingency pool {}", pool.label()),
                contributor: pool.contributor_id.clone(),
            }
            .into());
        }
        contingency.push(ContingencyUse {
            line: pool.line_id.clone(),
            name: pool.name.clone(),
            contributor: pool.contributor,
            contributor_id: pool.contributor_id.clone(),
            opening: pool.opening,
            drawn_down: pool.total(MovementKind::DrawDown)?,
            released: pool.total(MovementKind::Release)?,
            savings_delivered: pool.total(MovementKind::SavingsDelivered)?,
            balance: pool.balance(),
        });
    }

    Ok(QuarterlyReturn {
        year: report.year,
        as_at: report.as_at,
        quarter: report.as_at.quarter(),
        months_elapsed: report.months_elapsed,
        income_profile: income_profile.label().to_string(),
        streams,
        contingency,
        conditions: Vec::new(),
        metrics: Vec::new(),
        no_metric_set: None,
        ibcf: None,
    })
}

impl QuarterlyReturn {
    /// The return with the national conditions in force for its year
    /// confirmed or not from `plan` ([`check_all`] with the calendar and the
    /// area's inputs), and each metric of the year's set on track or not.
    ///
    /// A metric is on track if the quarter's rating in `assurance.ratings`
    /// is green, and not on track if amber or red. A plan and a monitoring
    /// round say nothing of a metric's outturn, so a metric with no rating
    /// is [`OnTrack::NotAssessed`], saying why: never a made-up rating.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use bcf_model::contingency::ContingencyLedger;
    /// use bcf_model::monitor::{monitor, Monitoring};
    /// use bcf_model::returns::{quarterly_return, Assurance, OnTrack};
    /// use bcf_model::verdict::Outcome;
    ///
    /// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
    /// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
    /// let report = monitor(&plan, &ledger, &Monitoring::new("2017-06".parse()?))?;
    /// let ratings = BTreeMap::new();
    /// let assurance = Assurance {
    ///     calendar: &bcf_model::data::policy_calendar()?,
    ///     inputs: &bcf_model::data::leicestershire::condition_inputs()?,
    ///     metrics: &bcf_model::data::metric_calendar()?,
    ///     ratings: &ratings,
    /// };
    /// let q1 = quarterly_return(&plan, &report, &ledger)?.with_assurance(&plan, &assurance)?;
    /// assert!(q1.conditions.iter().any(|c| c.outcome == Outcome::Met));
    /// assert!(q1.metrics.iter().all(|m| matches!(m.status, OnTrack::NotAssessed { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ReturnError::Conditions`] if a condition check fails (see
    /// [`check_all`]), and [`ReturnError::Metrics`] if the metric calendar
    /// has no rule at all for the year.
    pub fn with_assurance(mut self, plan: &Plan, assurance: &Assurance<'_>) -> Result<QuarterlyReturn, ReturnError> {
        self.conditions = check_all(plan, assurance.calendar, assurance.inputs, self.year)?;
        self.metrics.clear();
        self.no_metric_set = None;
        match assurance.metrics.metric_set(self.year) {
            Ok(set) => {
                for m in &set.metrics {
                    let key = m.listed.key.clone();
                    let status = match assurance.ratings.get(&key) {
                        Some(rag @ Rag::Green) => OnTrack::OnTrack { rag: *rag },
                        Some(rag) => OnTrack::NotOnTrack { rag: *rag },
                        None => OnTrack::NotAssessed {
                            why: format!(
                                "no rating for {} was given: a plan and a monitoring round hold no outturn of the metric",
                                self.quarter
                            ),
                        },
                    };
                    self.metrics.push(MetricStatus {
                        key,
                        wording: m.listed.text().map(str::to_string),
                        confirmed: m.confirmed(),
                        status,
                    });
                }
            }
            Err(MetricSetError::NoMetricsSet { reason, .. }) => {
                self.no_metric_set =
                    Some(reason.unwrap_or_else(|| format!("the calendar sets no metric for {}", self.year)));
            }
            Err(e) => return Err(ReturnError::Metrics(e)),
        }
        Ok(self)
    }

    /// The national conditions of the year that the plan meets.
    pub fn conditions_confirmed(&self) -> impl Iterator<Item = &ConditionCheck> {
        self.conditions.iter().filter(|c| c.outcome == Outcome::Met)
    }

    /// The row of the stream funded by `funding` (a group, or a source in
    /// no group, as [`Plan::funding`](crate::plan::Plan::funding) gives it;
    /// `None` for spend with no planned funding) for `contributor`, if any.
    /// Parties are named by the plan's indexes, as everywhere in the crate.
    #[must_use]
    pub fn stream(&self, funding: Option<Funding>, contributor: ContributorIx) -> Option<&StreamReturn> {
        self.streams
            .iter()
            .find(|r| r.funding == funding && r.contributor == contributor)
    }

    /// The rows matching `keep` added up.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn totals(&self, keep: impl Fn(&StreamReturn) -> bool) -> Result<ReturnTotals, MoneyError> {
        let mut t = ReturnTotals::default();
        for r in self.streams.iter().filter(|r| keep(r)) {
            t.add(r)?;
        }
        Ok(t)
    }

    /// Every row added up: the whole pool.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn total(&self) -> Result<ReturnTotals, MoneyError> {
        self.totals(|_| true)
    }

    /// The contributor's rows added up.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn contributor_total(&self, contributor: ContributorIx) -> Result<ReturnTotals, MoneyError> {
        self.totals(|r| r.contributor == contributor)
    }

    /// The rows of the stream funded by `funding` (`None`: spend with no
    /// planned funding) added up.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn stream_total(&self, funding: Option<Funding>) -> Result<ReturnTotals, MoneyError> {
        self.totals(|r| r.funding == funding)
    }

    /// The contingency used in the year to date (drawn down and released)
    /// from every pool of `contributor`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a sum is beyond the decimal range.
    pub fn contingency_used(&self, contributor: ContributorIx) -> Result<Money, MoneyError> {
        let mut used = Money::ZERO;
        for c in self.contingency.iter().filter(|c| c.contributor == contributor) {
            used = used.checked_add(c.used()?)?;
        }
        Ok(used)
    }
}

/// The kinds of the sources of `class`, in member order; an error naming a
/// member that is not a source of `plan`.
fn member_kinds<'p>(plan: &'p Plan, class: &FundingClass) -> Result<Vec<&'p FundingSourceKind>, ReturnError> {
    let mut kinds = Vec::with_capacity(class.members.len());
    for s in &class.members {
        let source = plan.source(*s).ok_or_else(|| MonitorError::NotThisPlan {
            what: format!("funding source #{} of {}", s.index(), class.id),
        })?;
        kinds.push(&source.kind);
    }
    Ok(kinds)
}
