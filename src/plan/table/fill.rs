//! Filling a [`LineTable`] one line at a time ([`LineTableBuilder`]), with
//! the checks a fast reader's resolved lines need.

// foldhash, not SipHash: a cell is looked up for every amount of a plan.
use foldhash::HashMap;

use super::{Cell, LineTable, Narrow, TooMany, Values};
use crate::money::{Money, Precision};
use crate::plan::lines::LineAttributes;
use crate::plan::{PlanKey, ProgrammeIx};

/// Fills a [`LineTable`] one line at a time.
#[derive(Clone, Debug, Default)]
pub(crate) struct LineTableBuilder {
    table: LineTable,
    /// Each line's programme, before narrowing.
    programme: Vec<u32>,
    /// Each line's attribute set, before narrowing.
    attributes: Vec<u32>,
    /// Each amount's cell, in the narrowest integer so far.
    cell: Narrow,
    /// Each amount's value, in the narrowest exact form so far.
    values: Values,
    cell_ix: HashMap<Cell, u32>,
    attribute_ix: HashMap<LineAttributes, u32>,
    /// The number of the empty attribute set, once it has one.
    empty_attributes: Option<u32>,
}

/// What is wrong with an amount of a resolved line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AmountIssue {
    /// A negative amount.
    Negative(Money),
    /// An amount not a whole number of steps of its precision.
    OffStep(Money, Precision),
    /// A second amount for the same contributor, year and funding.
    Repeated,
}

impl LineTableBuilder {
    /// A builder with room for `lines` lines and `amounts` amounts.
    pub(crate) fn with_capacity(lines: usize, amounts: usize, text: usize) -> LineTableBuilder {
        let mut b = LineTableBuilder::default();
        b.table.text.reserve_exact(text);
        b.table.ends.reserve_exact(lines.saturating_mul(2));
        b.programme.reserve_exact(lines);
        b.attributes.reserve_exact(lines);
        b.table.amount_end.reserve_exact(lines);
        b.cell.reserve(amounts);
        b.values.reserve(amounts);
        b
    }

    /// Starts a new line; its amounts follow with [`push_amount`](Self::push_amount).
    pub(crate) fn push_line(
        &mut self,
        id: &str,
        name: &str,
        programme: ProgrammeIx,
        attributes: LineAttributes,
    ) -> Result<(), TooMany> {
        let t = &mut self.table;
        let offset = |n: usize| u32::try_from(n).map_err(|_| TooMany);
        let id_end = offset(t.text.len().saturating_add(id.len()))?;
        let name_end = offset(t.text.len().saturating_add(id.len()).saturating_add(name.len()))?;
        let amounts_end = offset(self.values.len())?;
        t.text.push_str(id);
        t.ends.push(id_end);
        t.text.push_str(name);
        t.ends.push(name_end);
        self.programme.push(programme.pos());
        self.attributes.push(0);
        t.amount_end.push(amounts_end);
        let line = self.table.len().saturating_sub(1);
        self.set_attributes(line, attributes)
    }

    /// The number of lines so far.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Calls `report` with the line's position, the amount's position on
    /// its line, its cell and what is wrong, for each negative amount, each
    /// amount whose contributor, year and funding an earlier amount of the
    /// same line already has, and each amount that is not a whole number
    /// of steps of the precision it was printed to. Linear in the amounts:
    /// a line with many amounts is checked with a set.
    pub(crate) fn check_amounts(&self, mut report: impl FnMut(usize, usize, Cell, AmountIssue)) {
        let t = &self.table;
        // Each cell's key (contributor, year, funding) as a number, so that
        // a repeat on a line is found by comparing numbers.
        let mut key_ix: HashMap<_, u32> = HashMap::default();
        let keys: Vec<u32> = t
            .cells
            .iter()
            .map(|c| {
                let next = u32::try_from(key_ix.len()).expect("no more keys than cells, which u32 numbers");
                *key_ix.entry(c.key()).or_insert(next)
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut before: Vec<u32> = Vec::new();
        for line in 0..t.len() {
            let range = t.amount_range(line);
            seen.clear();
            before.clear();
            for (j, i) in range.enumerate() {
                let Some(c) = self.cell.get(i) else { continue };
                let (Some(cell), Some(key)) = (t.cells.get(c), keys.get(c)) else {
                    continue;
                };
                // The amount itself is made only for a report.
                let negative = self.values.is_negative(i) == Some(true);
                let off_step = cell
                    .precision
                    .filter(|p| self.values.is_multiple_of(i, *p) == Some(false));
                if negative || off_step.is_some() {
                    if let Some(m) = self.values.get(i) {
                        if negative {
                            report(line, j, *cell, AmountIssue::Negative(m));
                        }
                        if let Some(p) = off_step {
                            report(line, j, *cell, AmountIssue::OffStep(m, p));
                        }
                    }
                }
                let repeated = if j < 16 {
                    before.contains(key)
                } else {
                    if j == 16 {
                        seen.extend(before.iter().copied());
                    }
                    !seen.insert(*key)
                };
                before.push(*key);
                if repeated {
                    report(line, j, *cell, AmountIssue::Repeated);
                }
            }
        }
    }

    /// The id of line `line` so far.
    pub(crate) fn id(&self, line: usize) -> &str {
        self.table.piece(2 * line)
    }

    /// The distinct cells so far.
    pub(crate) fn cells(&self) -> &[Cell] {
        &self.table.cells
    }

    /// Replaces the attributes of line `line` (no-op if there is no such line).
    pub(crate) fn set_attributes(&mut self, line: usize, attributes: LineAttributes) -> Result<(), TooMany> {
        let a = self.intern_attributes(attributes)?;
        if let Some(slot) = self.attributes.get_mut(line) {
            *slot = a;
        }
        Ok(())
    }

    /// The number of `attributes` among the distinct sets, added if new.
    /// Most lines have none: the empty set is remembered without hashing.
    fn intern_attributes(&mut self, attributes: LineAttributes) -> Result<u32, TooMany> {
        let empty = attributes == LineAttributes::default();
        if let (true, Some(e)) = (empty, self.empty_attributes) {
            return Ok(e);
        }
        let t = &mut self.table;
        let next = u32::try_from(t.attribute_set.len()).map_err(|_| TooMany)?;
        let a = match self.attribute_ix.get(&attributes) {
            Some(a) => *a,
            None => {
                t.attribute_set.push(attributes.clone());
                self.attribute_ix.insert(attributes, next);
                next
            }
        };
        if empty {
            self.empty_attributes = Some(a);
        }
        Ok(a)
    }

    /// Adds an amount to the line started last.
    pub(crate) fn push_amount(&mut self, cell: Cell, amount: Money) -> Result<(), TooMany> {
        let c = self.intern(cell)?;
        self.values.push(amount);
        self.push_cell(c)
    }

    /// Adds an amount of `mantissa` units at `scale` decimal places of a
    /// pound (at most 28) in the cell numbered `c` by [`intern`](Self::intern)
    /// to the line started last.
    pub(crate) fn push_units(&mut self, c: u32, mantissa: i64, scale: u32) -> Result<(), TooMany> {
        self.values.push_units(mantissa, scale);
        self.push_cell(c)
    }

    /// Adds `amount` in the cell numbered `c` by [`intern`](Self::intern)
    /// to the line started last.
    pub(crate) fn push_interned(&mut self, c: u32, amount: Money) -> Result<(), TooMany> {
        self.values.push(amount);
        self.push_cell(c)
    }

    /// The id and name of the line started last.
    pub(crate) fn last(&self) -> Option<(&str, &str)> {
        let line = self.len().checked_sub(1)?;
        Some((self.table.piece(2 * line), self.table.piece(2 * line + 1)))
    }

    /// The number of `cell` among the distinct cells, added if new.
    pub(crate) fn intern(&mut self, cell: Cell) -> Result<u32, TooMany> {
        let t = &mut self.table;
        let next = u32::try_from(t.cells.len()).map_err(|_| TooMany)?;
        Ok(*self.cell_ix.entry(cell).or_insert_with(|| {
            t.cells.push(cell);
            next
        }))
    }

    fn push_cell(&mut self, c: u32) -> Result<(), TooMany> {
        self.cell.push(c);
        let end = u32::try_from(self.values.len()).map_err(|_| TooMany)?;
        if let Some(last) = self.table.amount_end.last_mut() {
            *last = end;
        }
        Ok(())
    }

    /// Appends the lines of `other`, read from the text that follows this
    /// builder's. A first line of `other` with the id of this builder's last
    /// line continues it, as its rows would have in one reading: `Ok(false)`,
    /// appending nothing, if its name or programme differs.
    pub(crate) fn append(&mut self, other: LineTableBuilder) -> Result<bool, TooMany> {
        let offset = |n: usize| u32::try_from(n).map_err(|_| TooMany);
        let continues = match self.len().checked_sub(1) {
            Some(last) if other.len() > 0 && self.id(last) == other.id(0) => {
                if self.table.piece(2 * last + 1) != other.table.piece(1)
                    || self.programme.get(last) != other.programme.first()
                {
                    return Ok(false);
                }
                true
            }
            _ => false,
        };
        let cells = other
            .table
            .cells
            .iter()
            .map(|c| self.intern(*c))
            .collect::<Result<Vec<u32>, TooMany>>()?;
        let sets = other
            .table
            .attribute_set
            .iter()
            .map(|a| self.intern_attributes(a.clone()))
            .collect::<Result<Vec<u32>, TooMany>>()?;
        let base = self.values.len();
        let lines = other.len();
        self.cell
            .extend_mapped(&other.cell, &cells)
            .expect("every amount's cell is one of its builder's cells");
        self.values.extend(other.values);
        let end = |line: usize| -> Result<u32, TooMany> {
            let e = other
                .table
                .amount_end
                .get(line)
                .expect("every line of a builder has the end of its amounts");
            offset(base.saturating_add(*e as usize))
        };
        if continues {
            let e = end(0)?;
            if let Some(last) = self.table.amount_end.last_mut() {
                *last = e;
            }
        }
        for line in usize::from(continues)..lines {
            let (id, name) = (other.table.piece(2 * line), other.table.piece(2 * line + 1));
            let t = &mut self.table;
            let id_end = offset(t.text.len().saturating_add(id.len()))?;
            let name_end = offset(t.text.len().saturating_add(id.len()).saturating_add(name.len()))?;
            t.text.push_str(id);
            t.ends.push(id_end);
            t.text.push_str(name);
            t.ends.push(name_end);
            t.amount_end.push(end(line)?);
            let programme = other
                .programme
                .get(line)
                .expect("every line of a builder has a programme");
            let set = other
                .attributes
                .get(line)
                .and_then(|a| sets.get(*a as usize))
                .expect("every line of a builder has one of its attribute sets");
            self.programme.push(*programme);
            self.attributes.push(*set);
        }
        Ok(true)
    }

    /// Stamps every position with the key of the plan being built (a fast
    /// reader resolves positions before the plan has its key).
    pub(crate) fn stamp(&mut self, key: PlanKey) {
        self.table.key = key;
        for cell in &mut self.table.cells {
            *cell = cell.with_plan(key);
        }
        self.cell_ix = self.table.cells.iter().zip(0u32..).map(|(c, i)| (*c, i)).collect();
    }

    /// The finest decimal scale of the amounts added so far.
    pub(crate) fn finest_scale(&self) -> u32 {
        match &self.values {
            Values::Small { scale, units } if !units.is_empty() => *scale,
            Values::Units { scale, units } if !units.is_empty() => *scale,
            Values::Small { .. } | Values::Units { .. } => 0,
            Values::Exact(v) => v.iter().map(|m| m.pounds().scale()).fold(0, u32::max),
        }
    }

    /// The table, with amounts held at `scale` decimal places where they fit.
    pub(crate) fn finish(self, scale: u32) -> LineTable {
        let mut table = self.table;
        let mut values = self.values;
        values.rescale(scale);
        values.shrink_to_fit();
        table.values = values;
        let mut cell = self.cell;
        cell.shrink_to_fit();
        table.cell = cell;
        table.text.shrink_to_fit();
        table.ends.shrink_to_fit();
        table.programme = Narrow::from_wide(self.programme);
        table.attributes = Narrow::from_wide(self.attributes);
        table.attribute_set.shrink_to_fit();
        table.amount_end.shrink_to_fit();
        table.cells.shrink_to_fit();
        table
    }
}

#[cfg(test)]
mod tests {
    use super::{AmountIssue, LineTableBuilder};
    use crate::calendar::FinancialYear;
    use crate::money::Money;
    use crate::plan::ids::{ContributorIx, PlanKey, ProgrammeIx, SourceIx};
    use crate::plan::lines::LineAttributes;
    use crate::plan::table::Cell;
    use crate::plan::Funding;

    /// A cell of contributor `c`'s one source in `year`.
    fn cell(c: u32, year: FinancialYear) -> Cell {
        Cell {
            programme: ProgrammeIx::new(PlanKey::default(), 0),
            contributor: ContributorIx::new(PlanKey::default(), c),
            year,
            funding: Funding::Source(SourceIx::new(PlanKey::default(), c)),
            precision: None,
        }
    }

    /// The repeated amounts `check_amounts` reports on one line of `cells`.
    fn repeats(cells: &[Cell]) -> Vec<usize> {
        let mut b = LineTableBuilder::default();
        b.push_line(
            "L1",
            "Line",
            ProgrammeIx::new(PlanKey::default(), 0),
            LineAttributes::default(),
        )
        .expect("one line fits");
        for c in cells {
            b.push_amount(*c, Money::from_pence(100)).expect("a few amounts fit");
        }
        let mut found = Vec::new();
        b.check_amounts(|line, j, _, issue| {
            assert_eq!(line, 0);
            if issue == AmountIssue::Repeated {
                found.push(j);
            }
        });
        found
    }

    /// A line's repeated amounts are found by a list for its first 16
    /// amounts and by a set after: the same answer either way, a repeat of
    /// an early amount late on included.
    #[test]
    fn repeats_are_found_on_short_and_long_lines() {
        let years = [2017, 2018].map(|y| FinancialYear::starting(y).expect("a year of the fund"));
        let distinct: Vec<Cell> = (0..20u32)
            .map(|i| {
                cell(
                    i / 2,
                    *years.get(usize::try_from(i % 2).expect("0 or 1")).expect("two years"),
                )
            })
            .collect();
        assert_eq!(repeats(&distinct), Vec::<usize>::new());
        for at in [1, 15, 16, 17, 19] {
            let mut cells: Vec<Cell> = distinct.iter().take(at).copied().collect();
            cells.push(*distinct.get(2).expect("twenty cells"));
            cells.extend(distinct.iter().skip(at).copied());
            assert_eq!(repeats(&cells), [at.max(3)], "a repeat of the third amount at {at}");
        }
    }
}
