//! The first acceptance test: regenerate the published Leicestershire
//! 2017-19 expenditure plan from its lines and explain every difference.

use bcf_model::data::leicestershire;
use bcf_model::io::published::read_expenditure_plan;
use bcf_model::money::{Money, Unit};
use bcf_model::published::{check_footings, expenditure_plan_footings, BoundRule, FootingCheck, FootingKind};
use bcf_model::reconcile::{reconcile, Agreement, FindingKind, ReconcileError};

fn k(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).unwrap()
}

fn check(text: &str) -> FootingCheck {
    let p = read_expenditure_plan("test.csv", text, &leicestershire::expenditure_plan_layout()).unwrap();
    check_footings(&p.table, &expenditure_plan_footings(&p.table), BoundRule::WorstCase).unwrap()
}

#[test]
fn headline_totals_as_printed() {
    let p = leicestershire::expenditure_plan().unwrap();
    let t = &p.table;
    let printed = |name: &str, year: usize| {
        let row = t.row_named(name).unwrap();
        let col = t.column_index(None, t.years()[year]).unwrap();
        t.figure(bcf_model::published::Cell { row, column: col }).unwrap().value
    };
    assert_eq!(printed("TOTAL BCF SPEND", 0), k("51,447.6"));
    assert_eq!(printed("TOTAL BCF SPEND", 1), k("54,564.0"));
    assert_eq!(printed("TOTAL EXPENDITURE", 0), k("52,119.8"));
    assert_eq!(printed("TOTAL EXPENDITURE", 1), k("55,993.1"));
    assert_eq!(printed("Total Allocation", 0), k("52,119.8"));
    assert_eq!(printed("Total Allocation", 1), k("55,993.1"));
    assert_eq!(printed("TOTAL CONTINGENCY", 0), k("672.2"));
    assert_eq!(printed("TOTAL CONTINGENCY", 1), k("1,429.1"));
}

#[test]
fn twenty_seven_rounding_differences_and_no_error() {
    let c = check(leicestershire::EXPENDITURE_PLAN_CSV);
    let misses: Vec<_> = c.rounding_differences().collect();
    assert_eq!(misses.len(), 27);
    assert_eq!(c.error_count(), 0);
    let cross = misses
        .iter()
        .filter(|r| r.footing.kind == FootingKind::RowCrossCast)
        .count();
    assert_eq!(cross, 16);
    assert_eq!(misses.len() - cross, 11);
    // every one misses by exactly 0.1 (£100)
    assert!(misses.iter().all(|r| r.comparison.difference.abs() == k("0.1")));
    // Intensive Community Support phase 2, both years: 1,367.3 + 1,195.5 = 2,562.8, printed 2,562.7
    let ics: Vec<_> = misses
        .iter()
        .filter(|r| r.total_name == "Intensive Community Support phase 2 (CCG additional allocation)")
        .collect();
    assert_eq!(ics.len(), 2);
    for r in &ics {
        assert_eq!(r.comparison.computed, k("2,562.8"));
        assert_eq!(r.comparison.stated, k("2,562.7"));
        assert_eq!(r.comparison.agreement, Agreement::Rounding);
    }
    // ELR contingency 2018/19: 500.0 + 500.0 - 136.7 = 863.3, printed 863.4
    let elr: Vec<_> = misses
        .iter()
        .filter(|r| r.footing.kind == FootingKind::ContingencyLines && r.description.contains("elr_ccg 2018/19"))
        .collect();
    assert_eq!(elr.len(), 1);
    assert_eq!(elr[0].comparison.computed, k("863.3"));
    assert_eq!(elr[0].comparison.stated, k("863.4"));
    // the nine kinds all ran
    for kind in [
        FootingKind::RowCrossCast,
        FootingKind::ProgrammeLines,
        FootingKind::SubgroupLines,
        FootingKind::ProgrammeTotals,
        FootingKind::SpendAnalysis,
        FootingKind::ContingencyLines,
        FootingKind::Expenditure,
        FootingKind::FundingRows,
        FootingKind::Commitment,
    ] {
        assert!(c.results.iter().any(|r| r.footing.kind == kind), "{kind:?} not checked");
    }
}

#[test]
fn plan_balances_within_rounding_and_sources_are_fully_planned() {
    let p = leicestershire::expenditure_plan().unwrap();
    let rec = reconcile(&p.plan).unwrap();
    assert_eq!(rec.errors().count(), 0);
    // WL 2018/19: lines and contingency add to 22,606.7 against an allocation of 22,606.8
    let rounding: Vec<_> = rec.rounding_differences().collect();
    assert_eq!(rounding.len(), 2);
    assert!(rounding
        .iter()
        .all(|f| f.contributor_id == "wl_ccg" && f.year.to_string() == "2018/19"));
    assert!(rounding.iter().any(|f| f.kind == FindingKind::ContributorImbalance));
    // The balance's bound is half of £100 for every printed figure of WL
    // 2018/19: its allocations, its line amounts and its contingency.
    let balance = rounding
        .iter()
        .find(|f| f.kind == FindingKind::ContributorImbalance)
        .unwrap();
    let wl = p.plan.contributor_ix("wl_ccg").unwrap();
    let y = balance.year;
    let allocations = p
        .plan
        .allocations()
        .iter()
        .filter(|a| a.contributor == wl && a.year == y)
        .count();
    let lines = p
        .plan
        .lines()
        .iter()
        .flat_map(|l| l.amounts())
        .filter(|a| a.contributor == wl && a.year == y)
        .count();
    let contingency = p
        .plan
        .contingency()
        .iter()
        .flat_map(|l| l.amounts.iter())
        .filter(|a| a.contributor == wl && a.year == y)
        .count();
    assert_eq!((allocations, contingency), (2, 3));
    let figures = allocations + lines + contingency;
    assert_eq!(
        balance.comparison.bound,
        k("0.05").checked_mul((figures as u64).into()).unwrap()
    );
    let y17 = p.plan.years()[0];
    let y18 = p.plan.years()[1];
    let t = &rec.totals;
    let f = |id: &str| p.plan.funding(id).unwrap();
    // iBCF income equals the County Council's non-DFG spend exactly
    assert_eq!(t.funding_income(f("ibcf"), y17), Ok(k("9,525.6")));
    assert_eq!(t.funding_spend(f("ibcf"), y17), Ok(k("9,525.6")));
    assert_eq!(t.funding_income(f("ibcf"), y18), Ok(k("12,419.6")));
    assert_eq!(t.funding_spend(f("ibcf"), y18), Ok(k("12,419.6")));
    assert_eq!(t.funding_spend(f("dfg"), y17), Ok(k("3,349.9")));
    assert_eq!(t.funding_spend(f("dfg"), y18), Ok(k("3,632.3")));
    assert_eq!(t.funding_income(f("nhs_minimum"), y17), Ok(k("36,681.6")));
    assert_eq!(t.funding_income(f("nhs_minimum"), y18), Ok(k("37,378.5")));
    // regenerated from the lines
    assert_eq!(t.year_spend(y17), Ok(k("51,447.7")));
    assert_eq!(t.year_contingency(y18), Ok(k("1,429.0")));
}

/// Changing any single amount by 0.5 (£'000) or more makes the check report
/// an error on that row.
#[test]
fn any_amount_changed_by_half_a_thousand_is_an_error_naming_its_row() {
    let lines: Vec<&str> = leicestershire::EXPENDITURE_PLAN_CSV.lines().collect();
    let mut tried = 0;
    for (i, line) in lines.iter().enumerate().skip(1) {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let record = rdr.records().next().unwrap().unwrap();
        let fields: Vec<String> = record.iter().map(|f| f.to_string()).collect();
        for col in 5..fields.len() {
            for delta in ["0.5", "-0.5", "12.3"] {
                let mut changed = fields.clone();
                let old = if fields[col].is_empty() {
                    "0".to_string()
                } else {
                    fields[col].clone()
                };
                let new = rust_decimal::Decimal::from_str_exact(&old).unwrap()
                    + rust_decimal::Decimal::from_str_exact(delta).unwrap();
                if new.is_sign_negative() && !old.starts_with('-') {
                    continue; // a negative scheme amount is rejected on loading, tested below
                }
                changed[col] = new.to_string();
                let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(vec![]);
                w.write_record(&changed).unwrap();
                let row = String::from_utf8(w.into_inner().unwrap()).unwrap();
                let mut text = String::new();
                for (j, l) in lines.iter().enumerate() {
                    if j == i {
                        text.push_str(row.trim_end());
                    } else {
                        text.push_str(l);
                    }
                    text.push('\n');
                }
                let file_line = (i + 1) as u64;
                // Either the footings catch it, or loading rejects the sign (a
                // positive cost improvement target), naming the line either way.
                let named = match read_expenditure_plan("t.csv", &text, &leicestershire::expenditure_plan_layout()) {
                    Ok(p) => check_footings(&p.table, &expenditure_plan_footings(&p.table), BoundRule::WorstCase)
                        .unwrap()
                        .errors()
                        .any(|r| r.total_line == file_line),
                    Err(e) => e.iter().any(|x| x.line == Some(file_line)),
                };
                assert!(
                    named,
                    "changing line {file_line} column {col} by {delta} gave no error naming the row"
                );
                tried += 1;
            }
        }
    }
    assert!(tried > 111 * 8 * 2, "{tried}");
}

#[test]
fn a_bad_cell_is_reported_with_line_column_and_value() {
    let text = leicestershire::EXPENDITURE_PLAN_CSV
        .replacen("2419.0,1713.0", "2419.0,17x3.0", 1)
        .replacen("93.6,71.2", "93.6,1e30", 1);
    let err = read_expenditure_plan("bad.csv", &text, &leicestershire::expenditure_plan_layout()).unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.len(), 2, "{msg}");
    assert!(
        msg.contains("bad.csv:line 2, column elr_ccg_2017_18, value \"1e30\""),
        "{msg}"
    );
    assert!(
        msg.contains("bad.csv:line 7, column elr_ccg_2017_18, value \"17x3.0\""),
        "{msg}"
    );
}

#[test]
fn a_negative_scheme_amount_is_rejected_naming_its_row() {
    let text = leicestershire::EXPENDITURE_PLAN_CSV.replacen("2419.0,1713.0", "2419.0,-1713.0", 1);
    let err = read_expenditure_plan("neg.csv", &text, &leicestershire::expenditure_plan_layout()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("neg.csv:line 7, column elr_ccg_2017_18, value \"-1,713.0\""),
        "{msg}"
    );
    assert!(msg.contains("not allowed on a scheme line"), "{msg}");
}

/// A small published table (one contributor and the total, one year).
fn small(rows: &str) -> String {
    format!("section,subgroup,kind,name,asc_code,wl_ccg_2017_18,total_2017_18\n{rows}")
}

/// Mutation gaps in the footing builder and its report: the first total
/// row of a programme and of a sub-group is the total; only `BCF` and a
/// number is a programme; errors and structure problems both count; the
/// results read as they should.
#[test]
fn footings_of_a_small_table() {
    let text = small(
        "BCF1,DFG,line,Blaby,,1.0,1.0\n\
         BCF1,DFG,total,DFG subtotal,,1.0,1.0\n\
         BCF1,DFG,total,DFG subtotal again,,7.0,7.0\n\
         BCF1,,line,Other,,2.0,2.0\n\
         BCF1,,total,Total BCF1,,3.0,3.0\n\
         BCF1,,total,Total BCF1 again,,9.0,9.0\n\
         BCFX,,line,Not a programme,,4.0,4.0\n\
         BCF,,line,Nor this,,4.0,4.0\n\
         FUNDING,,funding,CCG BCF Minimum Funding Allocation,,11.0,11.0\n",
    );
    let table = read_expenditure_plan("small.csv", &text, &leicestershire::expenditure_plan_layout())
        .unwrap()
        .table;
    let (footings, problems) = expenditure_plan_footings(&table);
    let totals: Vec<(&str, usize)> = footings
        .iter()
        .filter(|f| matches!(f.kind, FootingKind::ProgrammeLines | FootingKind::SubgroupLines))
        .map(|f| (table.rows[f.total.row].name.as_str(), f.parts.len()))
        .collect();
    assert_eq!(
        totals,
        [
            ("Total BCF1", 2),
            ("Total BCF1", 2),
            ("DFG subtotal", 1),
            ("DFG subtotal", 1)
        ]
    );
    assert!(
        problems
            .iter()
            .all(|p| !p.what.contains("BCFX") && !p.what.contains("programme BCF ")),
        "{problems:?}"
    );
    assert!(FootingKind::RowCrossCast.is_cross_cast());
    assert!(!FootingKind::ProgrammeLines.is_cross_cast());
    assert_eq!(FootingKind::SpendAnalysis.to_string(), "recurrent + non-recurrent");
    assert_eq!(FootingKind::Commitment.to_string(), "allocation - expenditure");
    let year = "2017/18".parse().unwrap();
    assert_eq!(table.columns_of(year).count(), 2);
    assert_eq!(table.columns_of("2018/19".parse().unwrap()).count(), 0);

    let check = check_footings(&table, &(footings, problems.clone()), BoundRule::WorstCase).unwrap();
    // The second programme total and subtotal are printed rows too: their
    // cross-casts hold, and nothing else is wrong but the missing summary rows.
    assert_eq!(check.errors().count(), 0);
    assert_eq!(check.error_count(), problems.len());
    assert!(!problems.is_empty());
    let line = check
        .results
        .iter()
        .find(|r| r.footing.kind == FootingKind::ProgrammeLines)
        .unwrap();
    assert_eq!(
        line.to_string(),
        "\"Total BCF1\" (line 6), column wl_ccg 2017/18: programme lines parts add to 3.0, printed 3.0 (difference 0.0, bound 0.15)"
    );
    // One wrong cell: an error, counted with the problems.
    let wrong = small("BCF1,,line,A,,1.0,1.0\nBCF1,,total,Total BCF1,,3.0,3.0\n");
    let t = read_expenditure_plan(
        "w.csv",
        &format!("{wrong}FUNDING,,funding,CCG BCF Minimum Funding Allocation,,1.0,1.0\n"),
        &leicestershire::expenditure_plan_layout(),
    )
    .unwrap()
    .table;
    let fp = expenditure_plan_footings(&t);
    let n = fp.1.len();
    let c = check_footings(&t, &fp, BoundRule::WorstCase).unwrap();
    assert_eq!(c.errors().count(), 2, "the programme total in both columns");
    assert_eq!(c.error_count(), 2 + n);
    // A footing naming a column past the table's last is an error.
    let mut outside = fp.0[0].clone();
    outside.total.column = t.columns.len();
    assert!(check_footings(&t, &(vec![outside], vec![]), BoundRule::WorstCase).is_err());
}

/// Mutation gaps: every total of the reconciliation, against the same sums
/// worked out here from the plan's amounts; findings and agreements in
/// words.
#[test]
fn every_total_agrees_with_a_sum_worked_out_by_hand() {
    use bcf_model::reconcile::rounding_bound;
    let p = leicestershire::expenditure_plan().unwrap();
    let plan = &p.plan;
    let rec = reconcile(plan).unwrap();
    let t = &rec.totals;
    let sum = |it: &mut dyn Iterator<Item = Money>| Money::checked_sum(it).unwrap();
    for &y in plan.years() {
        for (c, _) in plan.contributors_indexed() {
            let mut by_programme = Money::ZERO;
            for (pi, _) in plan.programmes_indexed() {
                let expected = sum(&mut plan
                    .lines()
                    .iter()
                    .filter(|l| l.programme() == pi)
                    .flat_map(|l| l.amounts())
                    .filter(|a| a.contributor == c && a.year == y)
                    .map(|a| a.amount));
                assert_eq!(t.programme_contributor(pi, c, y), Ok(expected));
                by_programme = by_programme.checked_add(expected).unwrap();
            }
            assert_eq!(t.contributor_spend(c, y), Ok(by_programme));
            let contingency = sum(&mut plan
                .contingency()
                .iter()
                .flat_map(|l| l.amounts.iter())
                .filter(|a| a.contributor == c && a.year == y)
                .map(|a| a.amount));
            assert_eq!(t.contributor_contingency(c, y), Ok(contingency));
            assert_eq!(
                t.contributor_expenditure(c, y),
                Ok(by_programme.checked_add(contingency).unwrap())
            );
            let allocation = sum(&mut plan
                .allocations()
                .iter()
                .filter(|a| a.contributor == c && a.year == y)
                .map(|a| a.amount));
            assert_eq!(t.contributor_allocation(c, y), Ok(allocation));
        }
        for (pi, _) in plan.programmes_indexed() {
            let expected = sum(&mut plan
                .lines()
                .iter()
                .filter(|l| l.programme() == pi)
                .flat_map(|l| l.amounts())
                .filter(|a| a.year == y)
                .map(|a| a.amount));
            assert_eq!(t.programme(pi, y), Ok(expected));
        }
        let allocations = sum(&mut plan.allocations().iter().filter(|a| a.year == y).map(|a| a.amount));
        assert_eq!(t.year_allocation(y), Ok(allocations));
    }
    // Out of range: no total, not a made-up one.
    let other = "2030/31".parse().unwrap();
    let c = plan.contributor_ix("wl_ccg").unwrap();
    let first = plan.programmes_indexed().next().unwrap().0;
    assert_eq!(
        t.programme_contributor(first, c, other),
        Err(ReconcileError::UnknownYear(other))
    );
    // An index of a larger plan is not a place in this plan's totals, even
    // where the programme's index is one of this plan's.
    let larger = bcf_model::plan::Plan::builder("larger")
        .year(plan.years()[0])
        .contributor("x", "X", bcf_model::plan::ContributorKind::Ccg)
        .contributor("y", "Y", bcf_model::plan::ContributorKind::Ccg)
        .contributor("z", "Z", bcf_model::plan::ContributorKind::Ccg)
        .contributor("w", "W", bcf_model::plan::ContributorKind::Ccg)
        .programme("P", "P")
        .build()
        .unwrap();
    let fourth = larger.contributor_ix("w").unwrap();
    assert_eq!(
        t.programme_contributor(first, fourth, plan.years()[0]),
        Err(ReconcileError::UnknownIndex {
            what: "contributor",
            index: 3
        })
    );
    assert_eq!(
        t.contributor_allocation(c, other),
        Err(ReconcileError::UnknownYear(other))
    );
    assert_eq!(plan.funding("no such class"), None);
    // An index of another plan is refused even where its position is in
    // range here: position 0 of `larger` is contributor `x`, not `wl_ccg`.
    let x = larger.contributor_ix("x").unwrap();
    assert_eq!(x.index(), 0);
    assert_eq!(plan.contributor(x), None);
    assert_eq!(
        t.contributor_spend(x, plan.years()[0]),
        Err(ReconcileError::UnknownIndex {
            what: "contributor",
            index: 0
        })
    );
    let other_dfg = bcf_model::plan::Plan::builder("other")
        .year(plan.years()[0])
        .source("dfg", "DFG", bcf_model::plan::FundingSourceKind::Dfg)
        .build()
        .unwrap()
        .funding("dfg")
        .unwrap();
    assert!(matches!(
        t.funding_income(other_dfg, plan.years()[0]),
        Err(ReconcileError::UnknownIndex { .. })
    ));
    // A scenario copy of the plan has the same structure: its indexes are
    // the plan's.
    let scenario = plan.with_line_amounts(|_, a| Some(a.amount)).unwrap();
    assert_eq!(scenario.contributor(c).map(|c| c.id.as_str()), Some("wl_ccg"));
    assert_eq!(
        reconcile(&scenario)
            .unwrap()
            .totals
            .funding_income(plan.funding("dfg").unwrap(), plan.years()[0]),
        t.funding_income(plan.funding("dfg").unwrap(), plan.years()[0])
    );
    assert_eq!(t.funding_classes(), 4);
    // Published headline: TOTAL BCF SPEND 2017/18 as regenerated.
    assert_eq!(t.year_spend(plan.years()[0]), Ok(k("51,447.7")));

    assert_eq!(Agreement::Exact.to_string(), "exact");
    assert_eq!(Agreement::Rounding.to_string(), "rounding difference");
    assert_eq!(Agreement::Error.to_string(), "error");
    let words: Vec<String> = rec.findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        words,
        [
            "rounding difference: wl_ccg 2018/19: allocation £22,606,800.00 but expenditure £22,606,700.00 \
             (commitment £100.00), within the rounding bound £4,500.00",
            "rounding difference: wl_ccg 2018/19 funding nhs_minimum: income £21,239,500.00 but spend \
             £21,239,400.00 (difference -£100.00), within the rounding bound £4,050.00",
        ]
    );
    assert_eq!(
        rounding_bound(bcf_model::money::Precision::THOUSANDS_1DP, 3)
            .unwrap()
            .to_string(),
        "£150.00"
    );
}

/// Mutation gap: a total too long for 96 bits at the plan's finest scale,
/// but whole at a coarser one (£4 × 10^27 beside an amount of 10^-10), is
/// given exactly, not refused or changed; one that needs every digit is an
/// overflow error naming it.
#[test]
fn large_totals_at_a_fine_scale_are_exact() {
    use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
    use rust_decimal::Decimal;
    let y = "2017/18".parse().unwrap();
    let big = Money::from_pounds(Decimal::from_str_exact("2000000000000000000000000000").unwrap());
    let tiny = Money::from_pounds(Decimal::new(1, 10));
    let plan = Plan::builder("large")
        .year(y)
        .contributor("c", "C", ContributorKind::Ccg)
        .source("s", "S", FundingSourceKind::NhsMinimum)
        .source("t", "T", FundingSourceKind::NhsAdditional)
        .allocation("s", "c", y, big)
        .allocation("t", "c", y, big)
        .programme("P", "P")
        .line(LineDraft::new("l", "P", "L").amount("c", y, "s", tiny))
        .build()
        .unwrap();
    let rec = reconcile(&plan).unwrap();
    let c = plan.contributor_ix("c").unwrap();
    assert_eq!(
        rec.totals.contributor_allocation(c, y),
        Ok(big.checked_add(big).unwrap())
    );
    assert_eq!(rec.totals.year_allocation(y), Ok(big.checked_add(big).unwrap()));
    assert_eq!(rec.totals.year_expenditure(y), Ok(tiny));
    // £2 × 10^27 + 10^-10 needs 38 digits: an overflow, named.
    let too_long = Plan::builder("too long")
        .year(y)
        .contributor("c", "C", ContributorKind::Ccg)
        .source("s", "S", FundingSourceKind::NhsMinimum)
        .allocation("s", "c", y, big)
        .programme("P", "P")
        .line(LineDraft::new("l", "P", "L").amount("c", y, "s", tiny))
        .line(LineDraft::new("m", "P", "M").amount("c", y, "s", big))
        .build()
        .unwrap();
    let err = reconcile(&too_long).unwrap_err().to_string();
    assert!(err.contains("c 2017/18"), "{err}");
}

/// Mutation gaps: an overflow names the programme, contributor and year
/// where it happens (positions worked out from a sum's place); a funding
/// source with income and no spend, or spend and no income, is checked,
/// and one with neither is not listed.
#[test]
fn overflows_and_funding_balances_name_the_right_place() {
    use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
    use rust_decimal::Decimal;
    let (y1, y2) = ("2017/18".parse().unwrap(), "2018/19".parse().unwrap());
    let max = Money::from_pounds(Decimal::MAX);
    let one = k("1");
    let base = || {
        Plan::builder("places")
            .year(y1)
            .year(y2)
            .contributor("a", "A", ContributorKind::Ccg)
            .contributor("b", "B", ContributorKind::Ccg)
            .contributor("c", "C", ContributorKind::Ccg)
            .source("s", "S", FundingSourceKind::NhsMinimum)
            .source("t", "T", FundingSourceKind::NhsAdditional)
            .source("u", "U", FundingSourceKind::Dfg)
            .programme("P1", "P1")
            .programme("P2", "P2")
    };
    // Three contributors and two years: a sum's place splits by 6 (not 5)
    // and its contributor-year by 2, so the last contributor's second year
    // of the second programme is named only by the right arithmetic.
    let plan = base()
        .line(LineDraft::new("x", "P1", "X").amount("a", y1, "s", one))
        .line(LineDraft::new("y", "P2", "Y").amount("c", y2, "t", max))
        .line(LineDraft::new("z", "P2", "Z").amount("c", y2, "t", max))
        .build()
        .unwrap();
    let err = reconcile(&plan).unwrap_err().to_string();
    assert_eq!(
        err,
        "a total cannot be represented exactly: spend on programme P2, c 2018/19"
    );
    // A line and a contingency of the same class: each total fits, the
    // spend of the class does not.
    let plan = base()
        .line(LineDraft::new("y", "P2", "Y").amount("c", y2, "t", max))
        .contingency(
            bcf_model::plan::ContingencyDraft::new("k", "K", bcf_model::plan::ContingencyKind::Contingency)
                .amount("c", y2, "t", max),
        )
        .build()
        .unwrap();
    let err = reconcile(&plan).unwrap_err().to_string();
    assert_eq!(
        err,
        "a total cannot be represented exactly: spend funded by t, c 2018/19"
    );

    let plan = base()
        .allocation("s", "a", y1, one)
        .allocation("t", "b", y2, one)
        .line(LineDraft::new("x", "P1", "X").amount("a", y1, "s", one))
        .line(LineDraft::new("y", "P2", "Y").amount("a", y2, "u", one))
        .build()
        .unwrap();
    let rec = reconcile(&plan).unwrap();
    let listed: Vec<(String, String, String)> = rec
        .funding
        .iter()
        .map(|f| {
            let c = plan.contributor(f.contributor).unwrap().id.clone();
            (f.funding.clone(), c, f.year.to_string())
        })
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        listed,
        [s("s", "a", "2017/18"), s("u", "a", "2018/19"), s("t", "b", "2018/19")]
    );
    let mismatched: Vec<&str> = rec
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::FundingMismatch)
        .filter_map(|f| f.funding.as_deref())
        .collect();
    assert_eq!(mismatched, ["u", "t"], "spend with no income, income with no spend");
}

/// The published plan takes the fast path, and the reference path agrees
/// with it.
#[test]
fn the_published_plan_takes_the_fast_path_and_agrees_with_the_reference() {
    use bcf_model::reconcile::{reconcile_reference, takes_fast_path};
    let p = leicestershire::expenditure_plan().unwrap();
    assert!(takes_fast_path(&p.plan));
    assert_eq!(reconcile(&p.plan).unwrap(), reconcile_reference(&p.plan).unwrap());
}

/// Issue 12: a source inside a funding group has its own income in the
/// totals (the group's income is the sum of its members'); spend funded by
/// the group is the group's, and asking a member for it names the member.
#[test]
fn a_source_inside_a_funding_group_has_its_own_income() {
    use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
    let y = "2017/18".parse().unwrap();
    let plan = Plan::builder("grouped")
        .year(y)
        .contributor("a", "A", ContributorKind::Ccg)
        .contributor("b", "B", ContributorKind::Ccg)
        .source("sb", "iBCF Spring Budget", FundingSourceKind::IbcfSpringBudget2017)
        .source("sr", "iBCF Spending Review", FundingSourceKind::IbcfSpendingReview2015)
        .group("ibcf", "iBCF", &["sb", "sr"])
        .allocation("sb", "a", y, k("600"))
        .allocation("sr", "a", y, k("150"))
        .allocation("sr", "b", y, k("250"))
        .programme("P", "P")
        .line(LineDraft::new("l", "P", "L").amount("a", y, "ibcf", k("750")))
        .line(LineDraft::new("m", "P", "M").amount("b", y, "ibcf", k("250")))
        .build()
        .unwrap();
    let t = reconcile(&plan).unwrap().totals;
    let f = |id: &str| plan.funding(id).unwrap();
    assert_eq!(t.funding_income(f("ibcf"), y), Ok(k("1,000")));
    assert_eq!(t.funding_income(f("sb"), y), Ok(k("600")));
    assert_eq!(t.funding_income(f("sr"), y), Ok(k("400")));
    assert_eq!(t.funding_spend(f("ibcf"), y), Ok(k("1,000")));
    assert_eq!(
        t.funding_spend(f("sr"), y),
        Err(ReconcileError::InGroup {
            group: "ibcf".to_string()
        })
    );
    assert_eq!(
        t.funding_income(f("sr"), "2018/19".parse().unwrap()),
        Err(ReconcileError::UnknownYear("2018/19".parse().unwrap()))
    );
}

/// Issue 15, item 5: a plan entered in whole pounds has its findings printed
/// in whole pounds (no pence), and a figure that needs pence (a rounding
/// bound of half steps) shows them rather than being rounded.
#[test]
fn findings_print_in_the_plan_s_own_unit() {
    use bcf_model::money::{Precision, Render};
    let csv = "\
record,id,name,kind,programme,contributor,year,funding,amount
plan,,Whole pounds,Pounds:0,,,,,
year,,,,,,2024/25,,
contributor,icb,The ICB,Icb,,,,,
contributor,cc,County Council,UnitaryCouncil,,,,,
source,min,NHS minimum,NhsMinimum,,,,,
allocation,,,,,icb,2024/25,min,1000
allocation,,,,,cc,2024/25,min,1000
programme,P,Programme,,,,,,
line,a,A,,P,icb,2024/25,min,990
line,b,B,,P,cc,2024/25,min,500
line,c,C,,P,cc,2024/25,min,499
";
    let plan = bcf_model::io::tidy::read_plan_tidy("plan.csv", csv).unwrap();
    assert_eq!(plan.written_precision(), Some(Precision::POUNDS));
    let rec = reconcile(&plan).unwrap();
    let format = Precision::POUNDS.format().with_symbol();
    let shown: Vec<String> = rec.findings.iter().map(|f| f.render(format)).collect();
    assert!(
        shown.contains(&"error: icb 2024/25: allocation £1,000 but expenditure £990 (commitment £10)".to_string()),
        "{shown:?}"
    );
    // £1 short with three whole-pound figures taking part: within £1.50.
    assert!(
        shown.iter().any(|s| s
            .starts_with("rounding difference: cc 2024/25: allocation £1,000 but expenditure £999 (commitment £1)")
            && s.ends_with("within the rounding bound £1.50")),
        "{shown:?}"
    );
    // Displayed on their own, the same findings carry pence.
    assert!(rec.findings.iter().all(|f| f.to_string().contains(".00")));
}
