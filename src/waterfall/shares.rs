//! Who bears what is left after the waterfall: partners' [`contributions`],
//! the risk-share rules with their caps, and the underspend rules.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::calendar::FinancialYear;
use crate::contingency::ContingencyError;
use crate::money::{Money, MoneyError};
use crate::plan::{Commissioner, ContributorIx, Plan};

use super::{
    share, Bearer, Exposure, ExposureSource, PartnerShare, RiskShareRule, UnderspendOutcome, UnderspendRule,
    WaterfallConfig,
};

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

fn add_to(map: &mut BTreeMap<Bearer, Money>, bearer: Bearer, amount: Money) -> Result<(), MoneyError> {
    let slot = map.entry(bearer).or_insert(Money::ZERO);
    *slot = slot.checked_add(amount)?;
    Ok(())
}

/// The risk share of what the exposures have left: each bearer's amount and
/// what caps left unshared. Undelivered savings follow
/// [`WaterfallConfig::savings_risk_share`] when it is set.
pub(super) fn risk_share(
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

pub(super) fn dispose_underspend(
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
