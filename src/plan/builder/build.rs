//! [`PlanBuilder::build`]: resolving the drafts' ids and checking
//! everything, collecting every structural error.

use std::collections::HashSet;

// foldhash, not SipHash: every line id of a plan is hashed once here.
use foldhash::HashMap;

use super::{AmountDraft, PlanBuilder};
use crate::calendar::FinancialYear;
use crate::money::Money;
use crate::plan::errors::{years_text, Field, Item, PlanError, PlanErrors, PlanProblem};
use crate::plan::table::{AmountIssue, Cell, LineTable, LineTableBuilder};
use crate::plan::{
    Allocation, Columns, Commissioner, ContingencyLine, ContributorIx, Funding, GroupIx, LineAmount, Plan, PlanKey,
    ProgrammeIx, SourceIx,
};

impl PlanBuilder {
    /// Checks everything and builds the plan, or returns every structural
    /// error (see the [type documentation](PlanBuilder) for what is checked).
    ///
    /// # Errors
    ///
    /// [`PlanErrors`] holding every [`PlanError`] found, each with its
    /// [`PlanProblem`]: for example [`PlanProblem::NoYears`],
    /// [`PlanProblem::DuplicateId`], [`PlanProblem::Unknown`] for a reference to an
    /// id not added, [`PlanProblem::YearOutsidePlan`],
    /// [`PlanProblem::SignNotAllowed`], [`PlanProblem::JointSplit`] or
    /// [`PlanProblem::OffStep`] (the checks listed on [`PlanBuilder`]).
    pub fn build(mut self) -> Result<Plan, PlanErrors> {
        let mut errors: Vec<PlanError> = Vec::new();
        let mut err = |item, field, label: String, value: String, problem| {
            errors.push(PlanError::new(item, field, label, value, problem))
        };
        if self.years.is_empty() {
            err(
                Item::Plan,
                Field::Whole,
                "the plan".into(),
                String::new(),
                PlanProblem::NoYears,
            );
        }
        let mut years: Vec<FinancialYear> = Vec::with_capacity(self.years.len());
        for (i, y) in self.years.iter().enumerate() {
            if years.contains(y) {
                err(
                    Item::Year(i),
                    Field::Whole,
                    format!("year {y}"),
                    y.to_string(),
                    PlanProblem::DuplicateYear,
                );
            } else {
                years.push(*y);
            }
        }
        years.sort();
        let plan_years = years_text(&years);
        let year_known: HashSet<FinancialYear> = years.iter().copied().collect();

        let contributor_ix = index_ids(
            self.contributors
                .iter()
                .enumerate()
                .map(|(i, c)| (Item::Contributor(i), "contributor", c.id.as_str())),
            &mut err,
        );
        let programme_ix = index_ids(
            self.programmes
                .iter()
                .enumerate()
                .map(|(i, p)| (Item::Programme(i), "programme", p.id.as_str())),
            &mut err,
        );
        // Sources and groups share one id space.
        let funding_ix = index_ids(
            self.sources
                .iter()
                .enumerate()
                .map(|(i, s)| (Item::Source(i), "funding source", s.id.as_str()))
                .chain(
                    self.groups
                        .iter()
                        .enumerate()
                        .map(|(i, g)| (Item::Group(i), "funding group", g.id.as_str())),
                ),
            &mut err,
        );
        let resolved = self.resolved.take().unwrap_or_default();
        let n_resolved = resolved.len();
        let n_drafts = self.lines.len();
        let line_id = |i: usize| -> (Item, &'static str, &str) {
            if i < n_resolved {
                return (Item::Line(i), "line", resolved.id(i));
            }
            let d = i.saturating_sub(n_resolved);
            match self.lines.get(d) {
                Some(l) => (Item::Line(i), "line", l.id.as_str()),
                None => {
                    let c = d.saturating_sub(n_drafts);
                    let id = self.contingency.get(c).map_or("", |l| l.id.as_str());
                    (Item::Contingency(c), "contingency line", id)
                }
            }
        };
        let hasher = foldhash::fast::FixedState::default();
        check_distinct_ids(
            |id: &str| std::hash::BuildHasher::hash_one(&hasher, id),
            n_resolved
                .saturating_add(n_drafts)
                .saturating_add(self.contingency.len()),
            line_id,
            &mut err,
        );
        for (what, n) in [
            ("contributors", self.contributors.len()),
            (
                "sources and groups",
                self.sources.len().saturating_add(self.groups.len()),
            ),
            ("programmes", self.programmes.len()),
        ] {
            if u32::try_from(n).is_err() {
                err(
                    Item::Plan,
                    Field::Whole,
                    "the plan".into(),
                    String::new(),
                    PlanProblem::TooMany(what),
                );
            }
        }
        let key = PlanKey::of(
            &years,
            self.contributors.iter().map(|c| c.id.as_str()),
            self.sources
                .iter()
                .map(|s| s.id.as_str())
                .chain(self.groups.iter().map(|g| g.id.as_str())),
            self.programmes.iter().map(|p| p.id.as_str()),
        );
        let n_sources = self.sources.len();
        let resolve_funding = |id: &str| -> Option<Funding> {
            let i = *funding_ix.get(id)?;
            Some(match i.checked_sub(n_sources) {
                None => Funding::Source(SourceIx::new(key, u32::try_from(i).ok()?)),
                Some(g) => Funding::Group(GroupIx::new(key, u32::try_from(g).ok()?)),
            })
        };
        let contributor_of = |id: &str| -> Option<ContributorIx> {
            contributor_ix
                .get(id)
                .and_then(|i| u32::try_from(*i).ok())
                .map(|i| ContributorIx::new(key, i))
        };

        // Funding classes: each group is one class; each lone source is its own.
        let mut source_group: Vec<Option<usize>> = vec![None; n_sources];
        for (gi, g) in self.groups.iter().enumerate() {
            for (j, m) in g.members.iter().enumerate() {
                let label = || format!("funding group {} member {}", g.id, j.saturating_add(1));
                match resolve_funding(m) {
                    Some(Funding::Source(s)) => match source_group.get_mut(s.index()) {
                        Some(slot @ None) => *slot = Some(gi),
                        Some(Some(other)) => err(
                            Item::Member(gi, j),
                            Field::Funding,
                            label(),
                            m.clone(),
                            PlanProblem::SourceInTwoGroups {
                                first: self
                                    .groups
                                    .get(*other)
                                    .expect("a source's group is one of the groups being read")
                                    .id
                                    .clone(),
                            },
                        ),
                        None => {}
                    },
                    _ => err(
                        Item::Member(gi, j),
                        Field::Funding,
                        label(),
                        m.clone(),
                        PlanProblem::Unknown {
                            what: "funding source: expected the id of a source",
                        },
                    ),
                }
            }
        }
        let mut group_class = Vec::with_capacity(self.groups.len());
        let mut class_count: u32 = 0;
        for _ in &self.groups {
            group_class.push(class_count);
            class_count = class_count.saturating_add(1);
        }
        let mut source_class = Vec::with_capacity(n_sources);
        for g in &source_group {
            match g.and_then(|gi| group_class.get(gi)) {
                Some(c) => source_class.push(*c),
                None => {
                    source_class.push(class_count);
                    class_count = class_count.saturating_add(1);
                }
            }
        }

        // Allocations.
        let mut allocations = Vec::with_capacity(self.allocations.len());
        let mut first_allocation: HashMap<(&str, &str, FinancialYear), usize> = HashMap::default();
        for (i, a) in self.allocations.iter().enumerate() {
            let item = Item::Allocation(i);
            let label = || {
                format!(
                    "allocation {} ({}, {}, {})",
                    i.saturating_add(1),
                    a.source,
                    a.contributor,
                    a.year
                )
            };
            if !year_known.contains(&a.year) {
                err(
                    item,
                    Field::Year,
                    label(),
                    a.year.to_string(),
                    PlanProblem::YearOutsidePlan {
                        plan_years: plan_years.clone(),
                    },
                );
            }
            if a.amount.is_negative() {
                err(
                    item,
                    Field::Amount,
                    label(),
                    money_text(a.amount),
                    PlanProblem::NegativeAllocation,
                );
            }
            if let Some(p) = a.precision.filter(|p| !a.amount.is_multiple_of(*p)) {
                err(
                    item,
                    Field::Amount,
                    label(),
                    money_text(a.amount),
                    PlanProblem::OffStep { precision: p },
                );
            }
            let source = match resolve_funding(&a.source) {
                Some(Funding::Source(s)) => Some(s),
                _ => {
                    err(
                        item,
                        Field::Funding,
                        label(),
                        a.source.clone(),
                        PlanProblem::Unknown {
                            what: "funding source: expected the id of a source",
                        },
                    );
                    None
                }
            };
            let contributor = contributor_of(&a.contributor);
            if contributor.is_none() {
                err(
                    item,
                    Field::Contributor,
                    label(),
                    a.contributor.clone(),
                    PlanProblem::Unknown { what: "contributor" },
                );
            }
            match first_allocation.get(&(a.source.as_str(), a.contributor.as_str(), a.year)) {
                Some(first) => err(
                    item,
                    Field::Whole,
                    label(),
                    format!("{} {} {}", a.source, a.contributor, a.year),
                    PlanProblem::DuplicateAllocation { first: *first },
                ),
                None => {
                    first_allocation.insert((a.source.as_str(), a.contributor.as_str(), a.year), i);
                }
            }
            if let (Some(source), Some(contributor)) = (source, contributor) {
                allocations.push(Allocation {
                    source,
                    contributor,
                    year: a.year,
                    amount: a.amount,
                    precision: a.precision,
                });
            }
        }

        // The amounts of a scheme or contingency line.
        let resolve_amounts =
            |item: &dyn Fn(usize) -> Item,
             label: &dyn Fn() -> String,
             drafts: &[AmountDraft],
             allowed: &dyn Fn(Money) -> bool,
             kind: &str,
             err: &mut dyn FnMut(Item, Field, String, String, PlanProblem)| {
                let mut out = Vec::with_capacity(drafts.len());
                // A line has a few amounts: a repeat is found by looking
                // back, and with a set only for a line of many.
                let mut seen: HashSet<(&str, FinancialYear, &str)> = HashSet::new();
                fn key(d: &AmountDraft) -> (&str, FinancialYear, &str) {
                    (d.contributor.as_str(), d.year, d.funding.as_str())
                }
                for (j, d) in drafts.iter().enumerate() {
                    let at = item(j);
                    let amount_label = || format!("{}, {} {} {}", label(), d.contributor, d.year, d.funding);
                    let c = contributor_of(&d.contributor);
                    if c.is_none() {
                        err(
                            at,
                            Field::Contributor,
                            amount_label(),
                            d.contributor.clone(),
                            PlanProblem::Unknown { what: "contributor" },
                        );
                    }
                    let f = resolve_funding(&d.funding);
                    if f.is_none() {
                        err(
                            at,
                            Field::Funding,
                            amount_label(),
                            d.funding.clone(),
                            PlanProblem::Unknown {
                                what: "funding: expected the id of a source or group",
                            },
                        );
                    }
                    if !year_known.contains(&d.year) {
                        err(
                            at,
                            Field::Year,
                            amount_label(),
                            d.year.to_string(),
                            PlanProblem::YearOutsidePlan {
                                plan_years: plan_years.clone(),
                            },
                        );
                    }
                    if !allowed(d.amount) {
                        err(
                            at,
                            Field::Amount,
                            amount_label(),
                            money_text(d.amount),
                            PlanProblem::SignNotAllowed { kind: kind.to_string() },
                        );
                    }
                    if let Some(p) = d.precision.filter(|p| !d.amount.is_multiple_of(*p)) {
                        err(
                            at,
                            Field::Amount,
                            amount_label(),
                            money_text(d.amount),
                            PlanProblem::OffStep { precision: p },
                        );
                    }
                    let repeated = if drafts.len() <= 16 {
                        drafts
                            .get(..j)
                            .is_some_and(|before| before.iter().any(|e| key(e) == key(d)))
                    } else {
                        !seen.insert(key(d))
                    };
                    if repeated {
                        err(
                            at,
                            Field::Whole,
                            amount_label(),
                            format!("{} {} {}", d.contributor, d.year, d.funding),
                            PlanProblem::DuplicateAmount,
                        );
                    }
                    if let (Some(contributor), Some(funding)) = (c, f) {
                        out.push(LineAmount {
                            amount: d.amount,
                            precision: d.precision,
                            contributor,
                            funding,
                            year: d.year,
                        });
                    }
                }
                out
            };

        // Scheme lines: those resolved by a fast reader, then the drafts.
        let n_amounts = self.lines.iter().map(|l| l.amounts.len()).sum();
        let n_text = self.lines.iter().map(|l| l.id.len() + l.name.len()).sum();
        let mut lines = if n_resolved == 0 {
            LineTableBuilder::with_capacity(self.lines.len(), n_amounts, n_text)
        } else {
            for cell in resolved.cells() {
                let known = match cell.funding {
                    Funding::Source(s) => s.index() < n_sources,
                    Funding::Group(g) => g.index() < self.groups.len(),
                };
                if !known
                    || cell.contributor.index() >= self.contributors.len()
                    || cell.programme.index() >= self.programmes.len()
                    || !year_known.contains(&cell.year)
                {
                    err(
                        Item::Plan,
                        Field::Whole,
                        "the resolved lines".into(),
                        format!("{cell:?}"),
                        PlanProblem::Unknown {
                            what: "position in the resolved lines",
                        },
                    );
                }
            }
            // (A cell's contributor may be unknown: that is reported above.)
            let contributor = |c: ContributorIx| match self.contributors.get(c.index()) {
                Some(c) => c.id.clone(),
                None => format!("contributor #{}", c.index()),
            };
            resolved.check_amounts(|line, j, cell, issue| {
                let label = format!(
                    "line {}, {} {}",
                    resolved.id(line),
                    contributor(cell.contributor),
                    cell.year
                );
                let (field, value, problem) = match issue {
                    AmountIssue::Negative(m) => (
                        Field::Amount,
                        money_text(m),
                        PlanProblem::SignNotAllowed {
                            kind: "scheme line".into(),
                        },
                    ),
                    AmountIssue::OffStep(m, precision) => {
                        (Field::Amount, money_text(m), PlanProblem::OffStep { precision })
                    }
                    AmountIssue::Repeated => (Field::Whole, String::new(), PlanProblem::DuplicateAmount),
                };
                err(Item::LineAmount(line, j), field, label, value, problem);
            });
            resolved
        };
        for (i, l) in self.lines.into_iter().enumerate() {
            let index = n_resolved.saturating_add(i);
            let label = || format!("line {} ({})", l.id, l.name);
            let programme = programme_ix
                .get(l.programme.as_str())
                .and_then(|p| u32::try_from(*p).ok());
            if programme.is_none() {
                err(
                    Item::Line(index),
                    Field::Programme,
                    label(),
                    l.programme.clone(),
                    PlanProblem::Unknown { what: "programme" },
                );
            }
            if let Some(
                c @ Commissioner::Joint {
                    nhs_percent,
                    la_percent,
                },
            ) = l.attributes.commissioner
            {
                if !c.is_whole() {
                    err(
                        Item::Line(index),
                        Field::Attributes,
                        label(),
                        format!("{nhs_percent}% NHS + {la_percent}% LA"),
                        PlanProblem::JointSplit,
                    );
                }
            }
            let amounts = resolve_amounts(
                &|j| Item::LineAmount(index, j),
                &label,
                &l.amounts,
                &|m| !m.is_negative(),
                "scheme line",
                &mut err,
            );
            if let Some(p) = programme {
                let programme = ProgrammeIx::new(key, p);
                let mut pushed = lines.push_line(&l.id, &l.name, programme, l.attributes);
                for a in amounts {
                    let cell = Cell {
                        programme,
                        contributor: a.contributor,
                        year: a.year,
                        funding: a.funding,
                        precision: a.precision,
                    };
                    pushed = pushed.and_then(|()| lines.push_amount(cell, a.amount));
                }
                if pushed.is_err() {
                    err(
                        Item::Line(index),
                        Field::Whole,
                        label(),
                        String::new(),
                        PlanProblem::TooMany("scheme lines, amounts or cells"),
                    );
                }
            }
        }
        let mut contingency = Vec::with_capacity(self.contingency.len());
        for (i, l) in self.contingency.into_iter().enumerate() {
            let label = || format!("contingency line {} ({})", l.id, l.name);
            let kind = l.kind.clone();
            let amounts = resolve_amounts(
                &|j| Item::ContingencyAmount(i, j),
                &label,
                &l.amounts,
                &|m| kind.allows(m),
                &kind.to_string(),
                &mut err,
            );
            contingency.push(ContingencyLine {
                id: l.id,
                name: l.name,
                kind: l.kind,
                amounts,
            });
        }

        if !errors.is_empty() {
            return Err(PlanErrors::new(errors));
        }
        let mut plan = Plan {
            name: self.name,
            years,
            contributors: self.contributors,
            sources: self.sources,
            groups: self.groups,
            allocations,
            programmes: self.programmes,
            lines: LineTable::default(),
            contingency,
            source_class,
            group_class,
            class_count,
            columns: None,
            key,
        };
        // Every amount is held at the finest scale of any amount in the plan.
        let scale = lines.finest_scale().max(plan.finest_scale_besides_lines());
        lines.stamp(key);
        plan.lines = lines.finish(scale);
        plan.columns = Columns::build(&plan);
        Ok(plan)
    }
}

/// An amount as errors show it: plain pounds, shortest exact form.
fn money_text(m: Money) -> String {
    m.pounds().normalize().to_string()
}

/// Ids and their positions among `ids` (each with its item and what it
/// is); a blank or repeated id is an error on the item (the first use of
/// an id keeps it).
/// Reports each blank id, and each id repeating an earlier one, among
/// `count` ids (`id(i)` is the `i`th, with its item and kind), as
/// [`index_ids`] does, in the same order. A national plan has a million
/// line ids: each is held as a 64-bit hash and a position, not as a
/// string. Two different ids with one hash (about one chance in 10^13 for
/// a million ids) are checked again by their text.
fn check_distinct_ids<'a>(
    hash: impl Fn(&str) -> u64,
    count: usize,
    id: impl Fn(usize) -> (Item, &'static str, &'a str),
    err: &mut dyn FnMut(Item, Field, String, String, PlanProblem),
) {
    // The usual case first: every id's hash, sorted, with no two equal and
    // no id blank, says every id is distinct, in a pass over 8 bytes an id
    // (a table of a million entries costs a cache miss an id).
    let mut hashes: Vec<u64> = Vec::with_capacity(count);
    for i in 0..count {
        let (_, _, text) = id(i);
        if text.trim().is_empty() {
            break;
        }
        hashes.push(hash(text));
    }
    if hashes.len() == count {
        hashes.sort_unstable();
        if hashes.windows(2).all(|w| w.first() != w.get(1)) {
            return;
        }
    }
    drop(hashes);
    // Else find each blank or repeated id, in order.
    let mut first: std::collections::HashMap<u64, usize, PreHashed> =
        std::collections::HashMap::with_capacity_and_hasher(count, PreHashed);
    let mut collided: Vec<usize> = Vec::new();
    for i in 0..count {
        let (item, kind, text) = id(i);
        if text.trim().is_empty() {
            err(
                item,
                Field::Id,
                format!("{kind} with a blank id"),
                text.to_string(),
                PlanProblem::BlankId { what: kind },
            );
            continue;
        }
        match first.entry(hash(text)) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let (_, _, earlier) = id(*o.get());
                if earlier == text {
                    err(
                        item,
                        Field::Id,
                        format!("{kind} {text}"),
                        text.to_string(),
                        PlanProblem::DuplicateId { what: kind },
                    );
                } else {
                    collided.push(i);
                }
            }
        }
    }
    if !collided.is_empty() {
        // Every id whose hash another id had first: those repeating one
        // another are reported here (those repeating the first were above).
        index_ids(collided.into_iter().map(&id), err);
    }
}

/// A hasher for keys that are already hashes.
#[derive(Clone, Copy, Default)]
struct PreHashed;

impl std::hash::BuildHasher for PreHashed {
    type Hasher = PreHashedHasher;
    fn build_hasher(&self) -> PreHashedHasher {
        PreHashedHasher(0)
    }
}

/// Keeps the `u64` it is given as the hash.
#[derive(Clone, Copy, Default)]
struct PreHashedHasher(u64);

impl std::hash::Hasher for PreHashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed with this hasher; mix anything else in.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn index_ids<'a>(
    ids: impl Iterator<Item = (Item, &'static str, &'a str)>,
    err: &mut dyn FnMut(Item, Field, String, String, PlanProblem),
) -> HashMap<&'a str, usize> {
    let mut map = HashMap::with_capacity_and_hasher(ids.size_hint().0, Default::default());
    for (i, (item, kind, id)) in ids.enumerate() {
        if id.trim().is_empty() {
            let label = format!("{kind} with a blank id");
            err(
                item,
                Field::Id,
                label,
                id.to_string(),
                PlanProblem::BlankId { what: kind },
            );
            continue;
        }
        match map.entry(id) {
            std::collections::hash_map::Entry::Occupied(_) => err(
                item,
                Field::Id,
                format!("{kind} {id}"),
                id.to_string(),
                PlanProblem::DuplicateId { what: kind },
            ),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    type Found = Vec<(Item, PlanProblem)>;

    /// The errors found among `ids` by `check` and by [`index_ids`].
    fn errors(ids: &[&str], hash: impl Fn(&str) -> u64) -> (Found, Found) {
        let id = |i: usize| (Item::Line(i), "line", *ids.get(i).unwrap());
        let mut checked = Vec::new();
        check_distinct_ids(hash, ids.len(), id, &mut |item, _, _, _, p| checked.push((item, p)));
        let mut indexed = Vec::new();
        index_ids((0..ids.len()).map(id), &mut |item, _, _, _, p| indexed.push((item, p)));
        (checked, indexed)
    }

    #[test]
    fn distinct_ids_are_checked_as_the_index_checks_them_even_when_every_hash_collides() {
        let ids = ["a", "b", "a", " ", "c", "b", "b", "d", "c"];
        let hasher = foldhash::fast::FixedState::default();
        let (checked, indexed) = errors(&ids, |s| std::hash::BuildHasher::hash_one(&hasher, s));
        assert_eq!(checked, indexed);
        assert_eq!(checked.len(), 5); // a, blank, b, b, c
                                      // Every id with one hash: the same findings, those repeating the
                                      // first id in order and the rest after.
        let (mut all_collide, mut indexed) = errors(&ids, |_| 7);
        let order = |v: &mut Found| v.sort_by_key(|(item, _)| format!("{item:?}"));
        order(&mut all_collide);
        order(&mut indexed);
        assert_eq!(all_collide, indexed);
        // Distinct ids: nothing, whether the hashes differ or all collide.
        let distinct = ["a", "b", "c", "d"];
        assert!(errors(&distinct, |s| std::hash::BuildHasher::hash_one(&hasher, s))
            .0
            .is_empty());
        assert!(errors(&distinct, |_| 7).0.is_empty());
        // A blank id alone is found.
        assert_eq!(
            errors(&["a", "", "b"], |s| std::hash::BuildHasher::hash_one(&hasher, s))
                .0
                .len(),
            1
        );
    }
}
