//! The published reader's fast path from the printed table to the plan. A
//! national-scale published plan is almost all scheme line rows: here they
//! go straight into the plan's line table, their cells resolved once per
//! column, programme and funding rule, and their printed figures kept as
//! read (no draft with strings per amount, as for tidy CSV and JSON; see
//! `io::tidy` and `io::json`). Contributors, sources, allocations, groups,
//! programmes and contingency lines go through the builder as in the
//! careful path, so those rules are written once.
//!
//! The fast path gives up (`None`) at the first thing it does not expect: a
//! line cell no funding rule matches, a contingency line the layout does not
//! declare, a funding id no source or group has, or a plan the builder
//! refuses. The careful path then reads the table again and reports every
//! error where it was read.

use super::{contingency_kind, funding_rule, is_contingency, is_nhs, line_attributes, LineIds};
use super::{ContributorKind, ExpenditurePlanLayout};
use crate::calendar::FinancialYear;
use crate::io::resolve::{Declared, Head};
use crate::plan::{Cell, ContingencyDraft, ContributorIx, Funding, LineTableBuilder, Plan, PlanBuilder, ProgrammeIx};
use crate::published::{PublishedTable, RowKind};

/// A contributor column, resolved.
#[derive(Clone, Copy)]
struct Column {
    contributor: ContributorIx,
    year: FinancialYear,
    nhs: bool,
}

/// The plan the table's rows describe, built on `builder` (which holds
/// what the table declares; `kinds` each contributor column's kind), if
/// nothing needs an error report.
pub(super) fn plan(
    table: &PublishedTable,
    layout: &ExpenditurePlanLayout,
    mut builder: PlanBuilder,
    kinds: &[(String, ContributorKind)],
) -> Option<Plan> {
    let head = Head::of(Declared {
        precision: None,
        contributors: builder.contributors(),
        sources: builder.sources(),
        groups: builder.groups(),
        programmes: builder.programmes(),
        years: builder.years(),
    })?;
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(table.columns.len());
    for col in &table.columns {
        columns.push(match &col.contributor {
            None => None,
            Some(c) => Some(Column {
                contributor: head.contributor(c)?,
                year: head.year_of_plan(col.year)?,
                nhs: is_nhs(kinds, c),
            }),
        });
    }
    // Each rule's funding, resolved when a cell first needs it.
    let mut rule_funding: Vec<Option<Funding>> = vec![None; layout.funding_rules.len()];
    // Room for every line row (contingency lines, which are few, too) and
    // each row's id and name.
    let (lines, text) = table.rows.iter().fold((0usize, 0usize), |(lines, text), r| {
        (
            lines.saturating_add(usize::from(r.kind == RowKind::Line)),
            text.saturating_add(r.section.len().saturating_add(8).saturating_add(r.name.len())),
        )
    });
    let mut resolved = LineTableBuilder::with_capacity(lines, lines.saturating_mul(columns.len()), text);
    let mut ids = LineIds::default();
    // The last section seen and its programme (`None` for the contingency
    // section): rows of a section come together.
    let mut section: Option<(&str, Option<ProgrammeIx>)> = None;
    // A cell's number by column, for the last programme, funding and
    // precision it had: a section's lines repeat their cells.
    let mut last_cell: Vec<Option<Cell>> = vec![None; columns.len()];
    let mut last_number: Vec<u32> = vec![0; columns.len()];
    let mut id = String::new();
    for row in table.rows.iter().filter(|r| r.kind == RowKind::Line) {
        ids.next_into(row.section.as_str(), &mut id);
        // The rule for an NHS contributor's cells and for a council's.
        let mut rules: [Option<Option<usize>>; 2] = [None, None];
        let mut rule_of = |nhs: bool| *rules[usize::from(nhs)].get_or_insert_with(|| funding_rule(layout, row, nhs));
        let programme = match section {
            Some((s, p)) if s == row.section => p,
            _ => {
                let p = if is_contingency(layout, row) {
                    None
                } else {
                    Some(head.programme(&row.section)?)
                };
                section = Some((row.section.as_str(), p));
                p
            }
        };
        let Some(p) = programme else {
            let mut d = ContingencyDraft::new(id.clone(), row.name.clone(), contingency_kind(layout, row)?.clone());
            for (col, cell) in table.columns.iter().zip(&row.cells) {
                let (Some(c), Some(fig)) = (&col.contributor, cell) else {
                    continue;
                };
                let rule = layout.funding_rules.get(rule_of(is_nhs(kinds, c))?)?;
                d = d.printed(c, col.year, &rule.funding, *fig);
            }
            builder = builder.contingency(d);
            continue;
        };
        resolved
            .push_line(&id, &row.name, p, line_attributes(layout, row))
            .ok()?;
        for (j, (col, cell)) in columns.iter().zip(&row.cells).enumerate() {
            let (Some(col), Some(fig)) = (col, cell) else {
                continue;
            };
            let r = rule_of(col.nhs)?;
            let funding = match rule_funding.get(r)? {
                Some(f) => *f,
                None => {
                    let f = head.funding(&layout.funding_rules.get(r)?.funding)?;
                    *rule_funding.get_mut(r)? = Some(f);
                    f
                }
            };
            let cell = Cell {
                programme: p,
                contributor: col.contributor,
                year: col.year,
                funding,
                precision: Some(fig.precision),
            };
            let (last, number) = (last_cell.get_mut(j)?, last_number.get_mut(j)?);
            if *last != Some(cell) {
                *number = resolved.intern(cell).ok()?;
                *last = Some(cell);
            }
            resolved.push_interned(*number, fig.value).ok()?;
        }
    }
    builder.resolved_lines(resolved).build().ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{careful_plan, declare, read_table, ExpenditurePlanLayout};
    use super::plan;
    use crate::data::leicestershire::{expenditure_plan_layout, EXPENDITURE_PLAN_CSV};
    use crate::io::LoadErrors;
    use crate::plan::Plan;

    /// The fast path's plan and the careful path's, from `text`'s table
    /// (`None` if the table itself is refused).
    fn both(text: &str, layout: &ExpenditurePlanLayout) -> Option<(Option<Plan>, Result<Plan, LoadErrors>)> {
        let table = read_table("t.csv", text, layout).ok()?;
        let d = declare(&table, layout);
        let fast = if d.layout_errors.is_empty() {
            plan(&table, layout, d.builder.clone(), &d.kinds)
        } else {
            None
        };
        Some((fast, careful_plan(&table, layout, declare(&table, layout))))
    }

    #[test]
    fn the_leicestershire_plan_reads_fast_as_carefully() {
        let layout = expenditure_plan_layout();
        let (fast, careful) = both(EXPENDITURE_PLAN_CSV, &layout).expect("the embedded table reads");
        let fast = fast.expect("the fast path reads the embedded plan");
        assert_eq!(fast, careful.expect("the embedded plan builds"));
        assert_eq!((fast.lines().len(), fast.contingency().len()), (85, 3));
    }

    /// What each path makes of `text`: the fast path reads exactly what the
    /// careful path builds, and declines exactly what it refuses.
    fn agree(text: &str, layout: &ExpenditurePlanLayout) -> Result<bool, String> {
        let Some((fast, careful)) = both(text, layout) else {
            return Ok(false);
        };
        match (fast, careful) {
            (Some(f), Ok(c)) if f == c => Ok(true),
            (None, Err(_)) => Ok(false),
            (f, c) => Err(format!("fast {:?}, careful {:?}", f.is_some(), c.map(|_| ()))),
        }
    }

    #[test]
    fn the_fast_path_declines_what_the_careful_path_refuses() {
        let layout = expenditure_plan_layout();
        let edit = |from: &str, to: &str| {
            assert!(EXPENDITURE_PLAN_CSV.contains(from), "{from}");
            EXPENDITURE_PLAN_CSV.replacen(from, to, 1)
        };
        let refused = [
            // a negative scheme line amount
            edit("First Contact Plus,,93.6", "First Contact Plus,,-93.6"),
            // a contingency line the layout does not declare
            edit("CONTINGENCY,,line,Risk Pool,", "CONTINGENCY,,line,Risk Pools,"),
            // a contingency of the wrong sign
            edit("CCG Contingency,,500.0", "CCG Contingency,,-500.0"),
            // a funding row missing, so a rule's funding is unknown
            edit(
                "FUNDING,,funding,DFG Allocation,,,,3349.9,3349.9,,,3632.3,3632.3\r\n",
                "",
            ),
        ];
        for text in &refused {
            assert_eq!(agree(text, &layout), Ok(false));
        }
        // No rule for a council's cell.
        let mut no_council_rule = layout.clone();
        no_council_rule.funding_rules.pop();
        assert_eq!(agree(EXPENDITURE_PLAN_CSV, &no_council_rule), Ok(false));
        // Read alike: another name flagged, a code and a sub-group on a line.
        let read = [
            edit("First Contact Plus,,", "First Contact Plus (nhs PROTECTED),IBCF-1,"),
            edit("BCF1,,line", "BCF1,Disabled Facilities Grants,line"),
        ];
        for text in &read {
            assert_eq!(agree(text, &layout), Ok(true));
        }
        // What a row says of its line reaches the plan: the code, the
        // sub-group and the flag a rule gives.
        let (fast, _) = both(&read[0], &layout).expect("the edited table reads");
        let plan = fast.expect("the fast path reads the edited plan");
        let first = plan.lines().iter().next().expect("the plan has lines").attributes();
        assert_eq!(first.ibcf_code.as_deref(), Some("IBCF-1"));
        assert!(first.flags.contains(&crate::plan::LineFlag::NhsProtected));
        let (fast, _) = both(&read[1], &layout).expect("the edited table reads");
        let plan = fast.expect("the fast path reads the edited plan");
        let first = plan.lines().iter().next().expect("the plan has lines").attributes();
        assert_eq!(first.subgroup.as_deref(), Some("Disabled Facilities Grants"));
    }

    /// A generated line row: its style (plain, DFG, NHS protected, CCG
    /// additional) and its three contributor cells (`None` blank).
    type Row = (u8, [Option<i32>; 3]);

    /// A published table of `sections` of line rows, each line's cells as
    /// given (`None` blank), a contingency row, and the funding rows.
    fn table(sections: &[Vec<Row>], contingency: Option<(&str, i32)>) -> String {
        let tenths = |v: i32| format!("{}{}.{}", if v < 0 { "-" } else { "" }, v.abs() / 10, v.abs() % 10);
        let cell = |v: Option<i32>| v.map(tenths).unwrap_or_default();
        let mut t = String::from(
            "section,subgroup,kind,name,asc_code,wl_ccg_2017_18,elr_ccg_2017_18,lcc_2017_18,total_2017_18\n",
        );
        for (i, lines) in sections.iter().enumerate() {
            for (k, (style, a)) in lines.iter().enumerate() {
                let (subgroup, name) = match style % 4 {
                    0 => ("", format!("Scheme {k}")),
                    1 => ("Disabled Facilities Grants", format!("DFG {k}")),
                    2 => ("", format!("Scheme {k} (NHS protected)")),
                    _ => ("", format!("CCG Additional {k}")),
                };
                t.push_str(&format!(
                    "S{i},{subgroup},line,{name},,{},{},{},\n",
                    cell(a[0]),
                    cell(a[1]),
                    cell(a[2])
                ));
            }
            t.push_str(&format!("S{i},,total,Total section {i},,,,,\n"));
        }
        if let Some((name, v)) = contingency {
            t.push_str(&format!("CONTINGENCY,,line,{name},,{},,,\n", tenths(v)));
        }
        t.push_str("FUNDING,,funding,CCG BCF Minimum Funding Allocation,,1.0,1.0,,\n");
        t.push_str("FUNDING,,funding,CCG BCF Additional Funding Allocation,,1.0,1.0,,\n");
        t.push_str("FUNDING,,funding,iBCF Supplementary Funding (Social Care Allocation - Spring 2017),,,,1.0,\n");
        t.push_str("FUNDING,,funding,DFG Allocation,,,,1.0,\n");
        t
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Generated tables (blank cells, negative amounts, every funding
        /// rule, flags, declared and undeclared contingency lines, of
        /// either sign) read fast exactly as the careful path reads them.
        #[test]
        fn generated_tables_read_fast_as_carefully(
            sections in proptest::collection::vec(
                proptest::collection::vec(
                    (0u8..4, proptest::array::uniform3(proptest::option::weighted(0.8, prop_oneof![1 => -3i32..0, 30 => 0i32..100_000]))),
                    0..6,
                ),
                1..4,
            ),
            contingency in proptest::option::of((0usize..4, -100i32..100)),
        ) {
            let names = ["CCG Contingency", "Risk Pool", "Cost Improvement Target", "Unknown Pool"];
            let contingency = contingency.and_then(|(n, v)| Some((*names.get(n)?, v)));
            let text = table(&sections, contingency);
            let layout = expenditure_plan_layout();
            prop_assert!(agree(&text, &layout).is_ok(), "{:?}\n{}", agree(&text, &layout), text);
        }
    }
}
