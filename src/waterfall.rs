//! The section 75 overspend waterfall, risk share and underspend rules
//! (docs/domain.md section 4): what a monitoring round's overspend draws on,
//! in the agreed order, from the contingency pools of a
//! [`ContingencyLedger`] to the partners' own resources.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::calendar::FinancialYear;
use crate::contingency::{ContingencyError, ContingencyLedger, Movement};
use crate::money::{allocate, Money, MoneyError, Precision, Rounding};
use crate::monitor::MonitoringReport;
use crate::plan::{Commissioner, ContingencyKind, ContributorIx, Plan};

/// One step of the overspend waterfall. Steps run in the order configured;
/// whatever overspend is left after the last goes to the [`RiskShareRule`]
/// (the partners' own resources).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum WaterfallStep {
    /// Offset overspends against underspends on other lines in the pool.
    OffsetUnderspends,
    /// Draw on the risk pools ([`ContingencyKind::RiskPool`]).
    RiskPool,
    /// Draw on the contingency pools ([`ContingencyKind::Contingency`]).
    Contingency,
    /// Draw on other named pools ([`ContingencyKind::Other`]) with money in them.
    OtherPools,
    /// Use allocations paid into the pool but not committed to any line
    /// (given in [`WaterfallConfig::uncommitted`]).
    Uncommitted,
}

impl WaterfallStep {
    /// The section 75 order of docs/domain.md section 4: offset, risk pool,
    /// contingency, other pools, uncommitted allocations.
    pub const SECTION_75: [WaterfallStep; 5] = [
        WaterfallStep::OffsetUnderspends,
        WaterfallStep::RiskPool,
        WaterfallStep::Contingency,
        WaterfallStep::OtherPools,
        WaterfallStep::Uncommitted,
    ];

    fn pool_kind(self, kind: &ContingencyKind) -> bool {
        match self {
            WaterfallStep::RiskPool => *kind == ContingencyKind::RiskPool,
            WaterfallStep::Contingency => *kind == ContingencyKind::Contingency,
            WaterfallStep::OtherPools => matches!(kind, ContingencyKind::Other(_)),
            WaterfallStep::OffsetUnderspends | WaterfallStep::Uncommitted => false,
        }
    }
}

impl fmt::Display for WaterfallStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WaterfallStep::OffsetUnderspends => "offset against underspends",
            WaterfallStep::RiskPool => "risk pool",
            WaterfallStep::Contingency => "contingency",
            WaterfallStep::OtherPools => "other pools",
            WaterfallStep::Uncommitted => "uncommitted allocations",
        })
    }
}

/// Who bears a share of the overspend left after the waterfall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Bearer {
    /// A partner, from its own resources (e.g. CCG core budgets).
    Contributor(ContributorIx),
    /// The pooled fund itself (the BCF), e.g. as a first call on next year.
    PooledFund,
}

impl Bearer {
    /// The contributor's id in `plan`, or `pooled fund`; a contributor that
    /// is not in `plan` is [`ContingencyError::UnknownContributor`].
    ///
    /// # Errors
    ///
    /// [`ContingencyError::UnknownContributor`] if the bearer is a contributor not
    /// in `plan`.
    pub fn label(self, plan: &Plan) -> Result<String, ContingencyError> {
        match self {
            Bearer::Contributor(c) => contributor_id(plan, c, "risk-share bearer"),
            Bearer::PooledFund => Ok("pooled fund".to_string()),
        }
    }
}

/// The id of contributor `c` in `plan`, or an error saying `what` used it.
fn contributor_id(plan: &Plan, c: ContributorIx, what: &str) -> Result<String, ContingencyError> {
    plan.contributor(c)
        .map(|c| c.id.clone())
        .ok_or_else(|| ContingencyError::UnknownContributor {
            what: what.to_string(),
            contributor: format!("#{}", c.index()),
        })
}

/// How the overspend left after the waterfall is shared.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RiskShareRule {
    /// Each partner bears the overspend on the lines it commissions: a line
    /// commissioned by the local authority falls on the non-NHS partners, an
    /// NHS line on the NHS partners, a joint line by its NHS and LA percentages;
    /// within a side, pro rata to each partner's budget on the line (or, if
    /// none has one, to contributions). A line with no commissioner, or whose
    /// side has no partner, falls on the partner whose spend it is; an
    /// undelivered savings target on its owner.
    Commissioner,
    /// Pro rata to each partner's contributions to the pool in the year (its
    /// allocations; its planned spend if the plan has none).
    ProRataContributions,
    /// Fixed shares, by weight (e.g. 50/50 between CCG core budgets and the BCF).
    FixedShares(Vec<(Bearer, Decimal)>),
}

impl fmt::Display for RiskShareRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RiskShareRule::Commissioner => f.write_str("each partner bears its commissioned lines"),
            RiskShareRule::ProRataContributions => f.write_str("pro rata to contributions"),
            RiskShareRule::FixedShares(_) => f.write_str("fixed shares"),
        }
    }
}

/// What happens to underspend not used to offset overspends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnderspendRule {
    /// Carried forward within the pool.
    CarryForward,
    /// Returned to the partners pro rata to their contributions.
    ReturnProRata,
    /// Retained by the lead commissioner.
    RetainByLead(ContributorIx),
}

/// The configuration of a waterfall run, set per plan.
///
/// Start from [`WaterfallConfig::section_75`] and change what the local
/// agreement says differently:
///
/// ```
/// use bcf_model::waterfall::{Bearer, RiskShareRule, UnderspendRule, WaterfallConfig, WaterfallStep};
/// use bcf_model::money::{Money, Unit};
/// use chrono::NaiveDate;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let date = NaiveDate::from_ymd_opt(2018, 1, 15).ok_or("bad date")?;
/// let mut config = WaterfallConfig::section_75(date, "IFG", RiskShareRule::ProRataContributions);
/// // An unmet saving is shared half and half (Leicestershire 2017-19).
/// config.savings_risk_share = Some(RiskShareRule::FixedShares(vec![
///     (Bearer::PooledFund, "50".parse()?),
///     (Bearer::Contributor(plan.contributor_ix("wl_ccg").ok_or("no wl_ccg")?), "50".parse()?),
/// ]));
/// // The council bears at most £250,000 of what is left.
/// let lcc = plan.contributor_ix("lcc").ok_or("no lcc")?;
/// config.caps.push((Bearer::Contributor(lcc), Money::parse("250", Unit::Thousands)?));
/// config.underspend = UnderspendRule::ReturnProRata;
/// assert_eq!(config.steps.first(), Some(&WaterfallStep::OffsetUnderspends));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaterfallConfig {
    /// The steps, in order.
    pub steps: Vec<WaterfallStep>,
    /// The rule for what is left.
    pub risk_share: RiskShareRule,
    /// A different rule for what is left of undelivered savings targets, if
    /// the agreement has one (Leicestershire 2017-19: an unmet saving is
    /// shared 50/50 between CCG core budgets and the BCF); `None` for the
    /// same rule as other overspends.
    pub savings_risk_share: Option<RiskShareRule>,
    /// Caps on what a bearer can be asked to bear; above a cap, the excess
    /// goes to the uncapped bearers pro rata to their shares, and what no one
    /// can take is reported as [`WaterfallOutcome::unallocated`].
    pub caps: Vec<(Bearer, Money)>,
    /// The rule for underspend left over.
    pub underspend: UnderspendRule,
    /// Whether underspend carried or returned may only be used
    /// non-recurrently next year (recorded on the outcome).
    pub non_recurrent_only: bool,
    /// Uncommitted allocations per contributor, for [`WaterfallStep::Uncommitted`].
    pub uncommitted: Vec<(ContributorIx, Money)>,
    /// The date the draw-downs are recorded on.
    pub date: NaiveDate,
    /// Who approves them.
    pub approver: String,
}

impl WaterfallConfig {
    /// The section 75 steps in order, `risk_share` for what is left, no caps,
    /// underspend carried forward, draw-downs dated `date` and approved by `approver`.
    #[must_use]
    pub fn section_75(date: NaiveDate, approver: &str, risk_share: RiskShareRule) -> WaterfallConfig {
        WaterfallConfig {
            steps: WaterfallStep::SECTION_75.to_vec(),
            risk_share,
            savings_risk_share: None,
            caps: Vec::new(),
            underspend: UnderspendRule::CarryForward,
            non_recurrent_only: false,
            uncommitted: Vec::new(),
            date,
            approver: approver.to_string(),
        }
    }
}

/// Where an overspend comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExposureSource {
    /// A scheme line overspent by a contributor.
    Line {
        /// The line id.
        line: String,
        /// The contributor.
        contributor: ContributorIx,
    },
    /// A cost improvement target not delivered.
    SavingsTarget {
        /// The pool's label.
        pool: String,
        /// The contributor whose target it is.
        contributor: ContributorIx,
    },
}

/// One overspend and how the waterfall met it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// Where it comes from.
    pub source: ExposureSource,
    /// The overspend.
    pub amount: Money,
    /// What each step met, in step order.
    pub met: Vec<Money>,
    /// What was left for the risk share.
    pub remaining: Money,
}

/// One source a step drew on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draw {
    /// What was drawn on: an underspent line, a pool, an uncommitted allocation.
    pub label: String,
    /// The contributor it belongs to.
    pub contributor: ContributorIx,
    /// How much.
    pub amount: Money,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// The step.
    pub step: WaterfallStep,
    /// The overspend before the step.
    pub overspend_before: Money,
    /// What the step had available.
    pub available: Money,
    /// What it moved: the smaller of the two.
    pub moved: Money,
    /// Where the money came from; the draws add up to `moved`.
    pub draws: Vec<Draw>,
    /// The overspend after the step.
    pub overspend_after: Money,
}

/// What a bearer bears under the risk share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerShare {
    /// Who.
    pub bearer: Bearer,
    /// How much.
    pub amount: Money,
    /// Whether its cap stopped it bearing more.
    pub capped: bool,
}

/// What became of the underspend not used to offset overspends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnderspendOutcome {
    /// The rule applied.
    pub rule: UnderspendRule,
    /// The underspend left.
    pub total: Money,
    /// Carried forward within the pool.
    pub carried_forward: Money,
    /// Returned to (or retained by) partners.
    pub to_partners: Vec<(ContributorIx, Money)>,
    /// Whether it may only be used non-recurrently next year.
    pub non_recurrent_only: bool,
}

/// The result of a waterfall run: every step, every share, and the ledger
/// with the draw-downs recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaterfallOutcome {
    /// The year.
    pub year: FinancialYear,
    /// Gross overspend: line overspends plus undelivered savings.
    pub overspend: Money,
    /// Gross underspend on lines.
    pub underspend: Money,
    /// Each overspend and how it was met.
    pub exposures: Vec<Exposure>,
    /// Each step, in order.
    pub steps: Vec<StepRecord>,
    /// The overspend left after the steps, shared by the rule.
    pub remaining: Money,
    /// Each bearer's share of `remaining`.
    pub shares: Vec<PartnerShare>,
    /// What caps left unshared (zero without caps).
    pub unallocated: Money,
    /// What became of underspend left over.
    pub underspend_outcome: UnderspendOutcome,
    /// The pools after the waterfall's draw-downs.
    pub ledger_after: ContingencyLedger,
}

fn share(rule: &str, amount: Money, weights: &[Decimal]) -> Result<Vec<Money>, ContingencyError> {
    allocate(amount, weights, Precision::PENCE).map_err(|source| ContingencyError::Sharing {
        rule: rule.to_string(),
        amount,
        source,
    })
}

fn whole_pence(what: impl Fn() -> String, amount: Money) -> Result<Money, ContingencyError> {
    if amount.is_multiple_of(Precision::PENCE) && !amount.is_negative() {
        Ok(amount)
    } else {
        Err(ContingencyError::BadFigure { what: what(), amount })
    }
}

/// Each contributor's contribution in `year`: its allocations, or (if the
/// plan has no allocations that year) its positive planned amounts.
///
/// # Errors
///
/// [`MoneyError::Overflow`] if a contributor's sum is beyond the decimal range.
pub fn contributions(plan: &Plan, year: FinancialYear) -> Result<Vec<(ContributorIx, Money)>, MoneyError> {
    fn add(out: &mut [(ContributorIx, Money)], c: ContributorIx, amount: Money) -> Result<(), MoneyError> {
        let slot = out
            .iter_mut()
            .find(|(x, _)| *x == c)
            .expect("the plan builder resolves every amount's contributor, and `out` lists them all");
        slot.1 = slot.1.checked_add(amount)?;
        Ok(())
    }
    let mut out: Vec<(ContributorIx, Money)> = plan.contributors_indexed().map(|(c, _)| (c, Money::ZERO)).collect();
    for a in plan.allocations().iter().filter(|a| a.year == year) {
        add(&mut out, a.contributor, a.amount)?;
    }
    if out.iter().all(|(_, m)| m.is_zero()) {
        let amounts = plan
            .lines()
            .iter()
            .flat_map(|l| l.amounts())
            .chain(plan.contingency().iter().flat_map(|l| l.amounts.iter().copied()))
            .filter(|a| a.year == year && a.amount.is_positive());
        for a in amounts {
            add(&mut out, a.contributor, a.amount)?;
        }
    }
    Ok(out)
}

/// Runs the overspend waterfall on a monitoring `report` with the pools of
/// `ledger`, configured by `config`.
///
/// Overspends are the lines' positive variances plus each undelivered cost
/// improvement target; underspends are the lines' negative variances. Each
/// step in turn moves the smaller of the overspend left and what it has
/// available; a step's draws are split across its sources pro rata to what
/// each has, and what it meets is split across the overspends pro rata to
/// what each has left, both exactly by [`allocate`]. Pool draws are recorded
/// in [`WaterfallOutcome::ledger_after`] as dated draw-downs, so no pool
/// can go below zero. The overspend left is shared by the risk-share rule,
/// and the underspend left by the underspend rule.
///
/// Pool balances the waterfall does not need stay in `ledger_after`; to
/// return them to the partners at year end, record [`Movement::release`]s.
/// `ledger` and `report` are not changed; on error nothing is produced.
/// Both must be made from `plan`: a report line or pool whose contributor is
/// another partner here is [`ContingencyError::UnknownContributor`], and a
/// report line the plan does not have is [`ContingencyError::UnknownReportLine`].
///
/// # Errors
///
/// [`ContingencyError::YearMismatch`] if `report` is not for the ledger's year
/// or the plan does not cover it; [`ContingencyError::UnknownContributor`] for
/// a contributor of `config` (uncommitted allocation, cap, lead commissioner or
/// fixed share) not in `plan`, or a report line or pool of another plan;
/// [`ContingencyError::UnknownReportLine`] for a report line the plan does not
/// have; [`ContingencyError::BadFigure`] for an uncommitted allocation, cap,
/// variance or undelivered saving that is negative or not whole pence;
/// [`ContingencyError::Sharing`] if a step, the risk-share rule or the
/// underspend rule cannot split an amount by its weights (none, negative or all
/// zero); an error of [`ContingencyLedger::record`] if a draw-down is refused;
/// and [`ContingencyError::Money`] if a sum is beyond the decimal range.
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::waterfall::{waterfall, RiskShareRule, WaterfallConfig};
/// use bcf_model::money::{Money, Unit};
/// use bcf_model::monitor::{monitor, Forecast, Monitoring};
/// use chrono::NaiveDate;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// // Every line on budget except Intermediate Care for WL, 150.0 over.
/// let round = Monitoring::new("2017-12".parse()?)
///     .default_forecast(Forecast::OnBudget)
///     .forecast("BCF2.3", "wl_ccg", Forecast::Given(k("463")?));
/// let report = monitor(&plan, &ledger, &round)?;
/// let date = NaiveDate::from_ymd_opt(2018, 1, 15).ok_or("bad date")?;
/// let config = WaterfallConfig::section_75(date, "IFG", RiskShareRule::ProRataContributions);
/// let out = waterfall(&plan, &report, &ledger, &config)?;
/// // 150.0 overspent plus the undelivered targets (840.6 + 487.2) = 1,477.8,
/// // met by the two risk pools and then the contingencies.
/// assert_eq!(out.overspend, k("1477.8")?);
/// assert_eq!(out.remaining, Money::ZERO);
/// assert_eq!(out.steps[1].moved, k("1000")?); // the risk pools, emptied
/// let wl_contingency = out.ledger_after.pool("CONTINGENCY.1", "wl_ccg").map(|p| p.balance());
/// assert_eq!(wl_contingency, Some(k("261.1")?));
/// assert!(out.conserves(&ledger));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn waterfall(
    plan: &Plan,
    report: &MonitoringReport,
    ledger: &ContingencyLedger,
    config: &WaterfallConfig,
) -> Result<WaterfallOutcome, ContingencyError> {
    let year = ledger.year();
    if report.year != year || plan.year_index(year).is_none() {
        return Err(ContingencyError::YearMismatch {
            report: report.year,
            ledger: year,
        });
    }
    let label = |b: Bearer, what: &str| match b {
        Bearer::Contributor(c) => contributor_id(plan, c, what),
        Bearer::PooledFund => Ok("pooled fund".to_string()),
    };
    let mut uncommitted_labels = Vec::with_capacity(config.uncommitted.len());
    for (c, m) in &config.uncommitted {
        let id = contributor_id(plan, *c, "uncommitted allocation")?;
        whole_pence(|| format!("uncommitted allocation of {id}"), *m)?;
        uncommitted_labels.push(format!("uncommitted allocation ({id})"));
    }
    for (b, m) in &config.caps {
        let id = label(*b, "cap")?;
        whole_pence(|| format!("cap on {id}"), *m)?;
    }
    if let UnderspendRule::RetainByLead(c) = config.underspend {
        contributor_id(plan, c, "lead commissioner")?;
    }
    for rule in std::iter::once(&config.risk_share).chain(config.savings_risk_share.as_ref()) {
        if let RiskShareRule::FixedShares(shares) = rule {
            for (b, _) in shares {
                label(*b, "fixed share")?;
            }
        }
    }
    // The report and the ledger must be of this plan: their contributor
    // positions would otherwise name other partners here, and a line the
    // plan does not have would lose its commissioner.
    for l in &report.lines {
        let what = format!("monitoring report line {:?}", l.line);
        if contributor_id(plan, l.contributor, &what)? != l.contributor_id {
            return Err(ContingencyError::UnknownContributor {
                what,
                contributor: l.contributor_id.clone(),
            });
        }
        if plan.line(&l.line).is_none() {
            return Err(ContingencyError::UnknownReportLine {
                what: "monitoring report".to_string(),
                line: l.line.clone(),
            });
        }
    }
    for p in ledger.pools() {
        let what = format!("contingency pool {}", p.label());
        if contributor_id(plan, p.contributor, &what)? != p.contributor_id {
            return Err(ContingencyError::UnknownContributor {
                what,
                contributor: p.contributor_id.clone(),
            });
        }
    }

    // Overspends and underspends.
    let mut exposures: Vec<Exposure> = Vec::new();
    let mut unders: Vec<Draw> = Vec::new();
    for l in &report.lines {
        let what = || format!("variance on {} ({})", l.line, l.contributor_id);
        if l.variance.is_positive() {
            exposures.push(Exposure {
                source: ExposureSource::Line {
                    line: l.line.clone(),
                    contributor: l.contributor,
                },
                amount: whole_pence(what, l.variance)?,
                met: Vec::new(),
                remaining: l.variance,
            });
        } else if l.variance.is_negative() {
            unders.push(Draw {
                label: format!("underspend on {} ({})", l.line, l.contributor_id),
                contributor: l.contributor,
                amount: whole_pence(what, l.variance.negate())?,
            });
        }
    }
    for p in ledger.pools().iter().filter(|p| p.is_savings_target()) {
        let undelivered = p.undelivered();
        if undelivered.is_positive() {
            exposures.push(Exposure {
                source: ExposureSource::SavingsTarget {
                    pool: p.label(),
                    contributor: p.contributor,
                },
                amount: whole_pence(|| format!("undelivered savings on {}", p.label()), undelivered)?,
                met: Vec::new(),
                remaining: undelivered,
            });
        }
    }
    let overspend = Money::checked_sum(exposures.iter().map(|e| e.amount))?;
    let underspend = Money::checked_sum(unders.iter().map(|u| u.amount))?;

    let mut after = ledger.clone();
    let mut left = overspend;
    let mut steps = Vec::with_capacity(config.steps.len());
    let mut uncommitted: Vec<Draw> = config
        .uncommitted
        .iter()
        .zip(uncommitted_labels)
        .map(|((c, m), label)| Draw {
            label,
            contributor: *c,
            amount: *m,
        })
        .collect();
    for step in &config.steps {
        // The sources the step can draw on (by position in their list), with what each has.
        let sources: Vec<(usize, Draw)> = match step {
            WaterfallStep::OffsetUnderspends => unders.iter().cloned().enumerate().collect(),
            WaterfallStep::Uncommitted => uncommitted.iter().cloned().enumerate().collect(),
            _ => after
                .pools()
                .iter()
                .enumerate()
                .filter(|(_, p)| step.pool_kind(&p.kind))
                .map(|(i, p)| {
                    Ok((
                        i,
                        Draw {
                            label: p.label(),
                            contributor: p.contributor,
                            amount: p.available().round(Precision::PENCE, Rounding::TowardZero)?,
                        },
                    ))
                })
                .collect::<Result<_, MoneyError>>()?,
        };
        let available = Money::checked_sum(sources.iter().map(|s| s.1.amount))?;
        let moved = left.min(available);
        let rule = format!("waterfall step {step}");
        let draws: Vec<(usize, Draw)> = if moved.is_zero() {
            Vec::new()
        } else {
            let weights: Vec<Decimal> = sources.iter().map(|s| s.1.amount.pounds()).collect();
            share(&rule, moved, &weights)?
                .into_iter()
                .zip(&sources)
                .filter(|(m, _)| !m.is_zero())
                .map(|(amount, (i, s))| {
                    (
                        *i,
                        Draw {
                            label: s.label.clone(),
                            contributor: s.contributor,
                            amount,
                        },
                    )
                })
                .collect()
        };
        // Take the draws from their sources.
        for (i, d) in &draws {
            let take = |list: &mut Vec<Draw>| -> Result<(), MoneyError> {
                let s = list
                    .get_mut(*i)
                    .expect("a draw's position is that of its source in this list");
                s.amount = s.amount.checked_sub(d.amount)?;
                Ok(())
            };
            match step {
                WaterfallStep::OffsetUnderspends => take(&mut unders)?,
                WaterfallStep::Uncommitted => take(&mut uncommitted)?,
                _ => {
                    let (line, contributor) = after
                        .pools()
                        .get(*i)
                        .map(|p| (p.line_id.clone(), p.contributor_id.clone()))
                        .expect("a draw's position is that of its pool in the ledger");
                    let reason = format!("overspend waterfall: {step}");
                    after.record(
                        &line,
                        &contributor,
                        Movement::draw_down(config.date, d.amount, &reason, &config.approver),
                    )?;
                }
            }
        }
        let draws: Vec<Draw> = draws.into_iter().map(|(_, d)| d).collect();
        // Meet the overspends pro rata to what each has left.
        let met: Vec<Money> = if moved.is_zero() {
            vec![Money::ZERO; exposures.len()]
        } else {
            let weights: Vec<Decimal> = exposures.iter().map(|e| e.remaining.pounds()).collect();
            share(&rule, moved, &weights)?
        };
        for (e, m) in exposures.iter_mut().zip(met) {
            e.remaining = e.remaining.checked_sub(m)?;
            e.met.push(m);
        }
        let before = left;
        left = left.checked_sub(moved)?;
        steps.push(StepRecord {
            step: *step,
            overspend_before: before,
            available,
            moved,
            draws,
            overspend_after: left,
        });
    }

    let (shares, unallocated) = risk_share(plan, year, &exposures, config)?;
    let underspend_left = Money::checked_sum(unders.iter().map(|u| u.amount))?;
    let underspend_outcome = dispose_underspend(plan, year, underspend_left, config)?;
    Ok(WaterfallOutcome {
        year,
        overspend,
        underspend,
        exposures,
        steps,
        remaining: left,
        shares,
        unallocated,
        underspend_outcome,
        ledger_after: after,
    })
}

fn add_to(map: &mut BTreeMap<Bearer, Money>, bearer: Bearer, amount: Money) -> Result<(), MoneyError> {
    let slot = map.entry(bearer).or_insert(Money::ZERO);
    *slot = slot.checked_add(amount)?;
    Ok(())
}

/// The risk share of what the exposures have left: each bearer's amount and
/// what caps left unshared. Undelivered savings follow
/// [`WaterfallConfig::savings_risk_share`] when it is set.
fn risk_share(
    plan: &Plan,
    year: FinancialYear,
    exposures: &[Exposure],
    config: &WaterfallConfig,
) -> Result<(Vec<PartnerShare>, Money), ContingencyError> {
    let contrib = contributions(plan, year)?;
    let mut base: BTreeMap<Bearer, Money> = BTreeMap::new();
    let is_saving = |e: &&Exposure| matches!(e.source, ExposureSource::SavingsTarget { .. });
    let groups: [(&RiskShareRule, Vec<&Exposure>); 2] = match &config.savings_risk_share {
        None => [
            (&config.risk_share, exposures.iter().collect()),
            (&config.risk_share, Vec::new()),
        ],
        Some(rule) => [
            (&config.risk_share, exposures.iter().filter(|e| !is_saving(e)).collect()),
            (rule, exposures.iter().filter(is_saving).collect()),
        ],
    };
    for (rule, group) in groups {
        share_group(plan, year, rule, &group, &contrib, &mut base)?;
    }
    apply_caps(base, &config.caps, &config.risk_share.to_string())
}

/// Adds to `base` the shares of the exposures in `group` under `rule`.
fn share_group(
    plan: &Plan,
    year: FinancialYear,
    rule: &RiskShareRule,
    group: &[&Exposure],
    contrib: &[(ContributorIx, Money)],
    base: &mut BTreeMap<Bearer, Money>,
) -> Result<(), ContingencyError> {
    let rule_name = rule.to_string();
    let left = Money::checked_sum(group.iter().map(|e| e.remaining))?;
    match rule {
        RiskShareRule::ProRataContributions | RiskShareRule::FixedShares(_) => {
            let weights: Vec<(Bearer, Decimal)> = match rule {
                RiskShareRule::FixedShares(w) => w.clone(),
                _ => contrib
                    .iter()
                    .map(|(c, m)| (Bearer::Contributor(*c), m.pounds()))
                    .collect(),
            };
            for (b, _) in &weights {
                add_to(base, *b, Money::ZERO)?;
            }
            if left.is_positive() {
                let w: Vec<Decimal> = weights.iter().map(|x| x.1).collect();
                for ((b, _), m) in weights.iter().zip(share(&rule_name, left, &w)?) {
                    add_to(base, *b, m)?;
                }
            }
        }
        RiskShareRule::Commissioner => {
            for e in group.iter().filter(|e| e.remaining.is_positive()) {
                for (b, m) in commissioner_split(plan, year, e, contrib, &rule_name)? {
                    add_to(base, b, m)?;
                }
            }
        }
    }
    Ok(())
}

/// Who bears one exposure's remainder under [`RiskShareRule::Commissioner`].
fn commissioner_split(
    plan: &Plan,
    year: FinancialYear,
    e: &Exposure,
    contrib: &[(ContributorIx, Money)],
    rule: &str,
) -> Result<Vec<(Bearer, Money)>, ContingencyError> {
    let (line_id, own) = match &e.source {
        ExposureSource::SavingsTarget { contributor, .. } => {
            return Ok(vec![(Bearer::Contributor(*contributor), e.remaining)])
        }
        ExposureSource::Line { line, contributor } => (line.as_str(), *contributor),
    };
    let line = plan
        .line(line_id)
        .expect("waterfall() has checked that every line of the report is in the plan");
    let commissioner = line.attributes().commissioner;
    let sides: Vec<(bool, Money)> = match commissioner {
        None => return Ok(vec![(Bearer::Contributor(own), e.remaining)]),
        Some(Commissioner::LocalAuthority) => vec![(false, e.remaining)],
        Some(Commissioner::Nhs) => vec![(true, e.remaining)],
        Some(Commissioner::Joint {
            nhs_percent,
            la_percent,
        }) => {
            let parts = share(rule, e.remaining, &[nhs_percent, la_percent])?;
            vec![true, false].into_iter().zip(parts).collect()
        }
    };
    let mut out = Vec::new();
    for (nhs, amount) in sides {
        if amount.is_zero() {
            continue;
        }
        let members: Vec<ContributorIx> = plan
            .contributors_indexed()
            .filter(|(_, c)| c.kind.is_nhs() == nhs)
            .map(|(ix, _)| ix)
            .collect();
        let budget_on_line = |c: ContributorIx| -> Result<Money, MoneyError> {
            Money::checked_sum(
                line.amounts()
                    .filter(|a| a.year == year && a.contributor == c)
                    .map(|a| a.amount),
            )
        };
        let mut weights: Vec<Decimal> = members
            .iter()
            .map(|c| budget_on_line(*c).map(|m| m.pounds()))
            .collect::<Result<_, _>>()?;
        if weights.iter().all(|w| w.is_zero()) {
            weights = members
                .iter()
                .map(|c| {
                    contrib
                        .iter()
                        .find(|(x, _)| x == c)
                        .map(|(_, m)| m.pounds())
                        .expect("contributions() lists every contributor of the plan")
                })
                .collect();
        }
        if weights.iter().all(|w| w.is_zero()) {
            out.push((Bearer::Contributor(own), amount));
            continue;
        }
        for (c, m) in members.iter().zip(share(rule, amount, &weights)?) {
            out.push((Bearer::Contributor(*c), m));
        }
    }
    Ok(out)
}

/// Applies caps to the base shares: what a capped bearer cannot take goes to
/// the others with room, pro rata to their base shares; what no one can
/// take is returned as unallocated.
fn apply_caps(
    base: BTreeMap<Bearer, Money>,
    caps: &[(Bearer, Money)],
    rule: &str,
) -> Result<(Vec<PartnerShare>, Money), ContingencyError> {
    let cap_of = |b: Bearer| caps.iter().filter(|(x, _)| *x == b).map(|(_, m)| *m).min();
    let mut shares: Vec<PartnerShare> = base
        .iter()
        .map(|(b, m)| PartnerShare {
            bearer: *b,
            amount: *m,
            capped: false,
        })
        .collect();
    // Each share's base amount, in the same order.
    let base_amounts: Vec<Money> = base.values().copied().collect();
    let mut unallocated = Money::ZERO;
    // Each round caps at least one more bearer, so rounds are bounded.
    for _ in 0..=shares.len() {
        let mut excess = Money::ZERO;
        for s in shares.iter_mut() {
            if let Some(cap) = cap_of(s.bearer) {
                if s.amount > cap {
                    excess = excess.checked_add(s.amount.checked_sub(cap)?)?;
                    s.amount = cap;
                }
                if s.amount >= cap {
                    s.capped = true;
                }
            }
        }
        if excess.is_zero() {
            break;
        }
        let weights: Vec<Decimal> = shares
            .iter()
            .zip(&base_amounts)
            .map(|(s, b)| if s.capped { Decimal::ZERO } else { b.pounds() })
            .collect();
        if weights.iter().all(|w| w.is_zero()) {
            unallocated = unallocated.checked_add(excess)?;
            break;
        }
        for (s, m) in shares.iter_mut().zip(share(rule, excess, &weights)?) {
            s.amount = s.amount.checked_add(m)?;
        }
    }
    Ok((shares, unallocated))
}

fn dispose_underspend(
    plan: &Plan,
    year: FinancialYear,
    total: Money,
    config: &WaterfallConfig,
) -> Result<UnderspendOutcome, ContingencyError> {
    let mut out = UnderspendOutcome {
        rule: config.underspend,
        total,
        carried_forward: Money::ZERO,
        to_partners: Vec::new(),
        non_recurrent_only: config.non_recurrent_only,
    };
    match config.underspend {
        UnderspendRule::CarryForward => out.carried_forward = total,
        UnderspendRule::RetainByLead(c) => out.to_partners.push((c, total)),
        UnderspendRule::ReturnProRata => {
            let contrib = contributions(plan, year)?;
            if total.is_zero() {
                out.to_partners = contrib.iter().map(|(c, _)| (*c, Money::ZERO)).collect();
            } else {
                let weights: Vec<Decimal> = contrib.iter().map(|(_, m)| m.pounds()).collect();
                let parts = share("underspend returned pro rata", total, &weights)?;
                out.to_partners = contrib.iter().map(|(c, _)| *c).zip(parts).collect();
            }
        }
    }
    Ok(out)
}

impl WaterfallOutcome {
    /// What `bearer` bears under the risk share (zero if it bears nothing).
    #[must_use]
    pub fn share_of(&self, bearer: Bearer) -> Money {
        self.shares
            .iter()
            .find(|s| s.bearer == bearer)
            .map(|s| s.amount)
            // Documented: a bearer with no share bears nothing.
            .unwrap_or(Money::ZERO)
    }

    /// Every conservation law the run must obey that it breaks, in words;
    /// empty when money is conserved to the penny:
    ///
    /// - overspend = Σ exposures = Σ steps moved + Σ shares + unallocated;
    /// - each exposure = what each step met + its remainder, and the
    ///   remainders add up to what the risk share shared;
    /// - each step's draws add up to what it moved, and it moved no more
    ///   than it had;
    /// - underspend = what the offset step used + the underspend disposed,
    ///   which is carried forward plus returned;
    /// - for every pool, balance before + the waterfall's movements =
    ///   balance after, no pool is below zero, and the pools' falls add up to
    ///   the pool steps' moves.
    #[must_use]
    pub fn conservation_failures(&self, before: &ContingencyLedger) -> Vec<String> {
        let mut fails = Vec::new();
        let sum = |it: &mut dyn Iterator<Item = Money>| Money::checked_sum(it).ok();
        let moved = sum(&mut self.steps.iter().map(|s| s.moved));
        let shared = sum(&mut self.shares.iter().map(|s| s.amount));
        let total = moved
            .zip(shared)
            .and_then(|(a, b)| a.checked_add(b).ok())
            .and_then(|a| a.checked_add(self.unallocated).ok());
        if total != Some(self.overspend) {
            fails.push(format!(
                "overspend {} ≠ steps {moved:?} + shares {shared:?} + unallocated {}",
                self.overspend, self.unallocated
            ));
        }
        if sum(&mut self.exposures.iter().map(|e| e.amount)) != Some(self.overspend) {
            fails.push("the exposures do not add up to the overspend".to_string());
        }
        for e in &self.exposures {
            let met = sum(&mut e.met.iter().copied()).and_then(|m| m.checked_add(e.remaining).ok());
            if met != Some(e.amount) || e.remaining.is_negative() {
                fails.push(format!("exposure {:?} is not met exactly", e.source));
            }
        }
        let remaining = sum(&mut self.exposures.iter().map(|e| e.remaining));
        if remaining != Some(self.remaining)
            || shared.and_then(|s| s.checked_add(self.unallocated).ok()) != Some(self.remaining)
        {
            fails.push(format!("the remainder {} is not shared exactly", self.remaining));
        }
        for (i, s) in self.steps.iter().enumerate() {
            let met = sum(&mut self.exposures.iter().filter_map(|e| e.met.get(i).copied()));
            let drawn = sum(&mut s.draws.iter().map(|d| d.amount));
            let after = s.overspend_before.checked_sub(s.moved).ok();
            if drawn != Some(s.moved)
                || (!self.exposures.is_empty() && met != Some(s.moved))
                || s.moved > s.available
                || after != Some(s.overspend_after)
                || s.draws.iter().any(|d| d.amount.is_negative())
            {
                fails.push(format!("step {} does not add up", s.step));
            }
        }
        let offset = sum(&mut self
            .steps
            .iter()
            .filter(|s| s.step == WaterfallStep::OffsetUnderspends)
            .map(|s| s.moved));
        let u = &self.underspend_outcome;
        let disposed = sum(&mut u.to_partners.iter().map(|p| p.1)).and_then(|p| p.checked_add(u.carried_forward).ok());
        if offset.and_then(|o| o.checked_add(u.total).ok()) != Some(self.underspend) || disposed != Some(u.total) {
            fails.push(format!("underspend {} is not conserved", self.underspend));
        }
        let pool_moves = sum(&mut self
            .steps
            .iter()
            .filter(|s| !matches!(s.step, WaterfallStep::OffsetUnderspends | WaterfallStep::Uncommitted))
            .map(|s| s.moved));
        let mut fall = Some(Money::ZERO);
        for (b, a) in before.pools().iter().zip(self.ledger_after.pools()) {
            let Some(new_moves) = a.movements().get(b.movements().len()..) else {
                fails.push(format!("pool {} has lost movements", a.label()));
                continue;
            };
            let moved = sum(&mut new_moves.iter().map(|m| m.signed_amount()));
            if moved.and_then(|m| b.balance().checked_add(m).ok()) != Some(a.balance())
                || (!a.is_savings_target() && a.balance().is_negative() && !new_moves.is_empty())
            {
                fails.push(format!("pool {} does not add up", a.label()));
            }
            fall = fall
                .zip(b.balance().checked_sub(a.balance()).ok())
                .and_then(|(f, d)| f.checked_add(d).ok());
        }
        if before.pools().len() != self.ledger_after.pools().len() || fall != pool_moves {
            fails.push("the pools' falls do not add up to the pool steps".to_string());
        }
        if !self.ledger_after.is_consistent() {
            fails.push("the ledger after is not consistent".to_string());
        }
        fails
    }

    /// Whether money is conserved to the penny (no [`conservation_failures`](Self::conservation_failures)).
    #[must_use]
    pub fn conserves(&self, before: &ContingencyLedger) -> bool {
        self.conservation_failures(before).is_empty()
    }
}
