//! The section 75 overspend waterfall, risk share and underspend rules
//! (docs/domain.md section 4): what a monitoring round's overspend draws on,
//! in the agreed order, from the contingency pools of a
//! [`ContingencyLedger`] to the partners' own resources.

use rust_decimal::Decimal;

use crate::contingency::{ContingencyError, ContingencyLedger, Movement};
use crate::money::{allocate, Money, MoneyError, Precision, Rounding};
use crate::monitor::MonitoringReport;
use crate::plan::{ContributorIx, Plan};

mod config;
mod outcome;
mod shares;

pub use config::{Bearer, RiskShareRule, UnderspendRule, WaterfallConfig, WaterfallStep};
pub use outcome::{Draw, Exposure, ExposureSource, PartnerShare, StepRecord, UnderspendOutcome, WaterfallOutcome};
pub use shares::contributions;
use shares::{dispose_underspend, risk_share};

/// The id of contributor `c` in `plan`, or an error saying `what` used it.
fn contributor_id(plan: &Plan, c: ContributorIx, what: &str) -> Result<String, ContingencyError> {
    plan.contributor(c)
        .map(|c| c.id.clone())
        .ok_or_else(|| ContingencyError::UnknownContributor {
            what: what.to_string(),
            contributor: format!("#{}", c.index()),
        })
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
/// let wl = plan.contributor_ix("wl_ccg").ok_or("no WL")?;
/// let wl_contingency = out.ledger_after.pool("CONTINGENCY.1", wl).map(|p| p.balance());
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
                        .map(|p| (p.line_id.clone(), p.contributor))
                        .expect("a draw's position is that of its pool in the ledger");
                    let reason = format!("overspend waterfall: {step}");
                    after.record(
                        &line,
                        contributor,
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
