//! DFG passporting to the Leicestershire districts, pro-rata splits, growth
//! and quarterly monitoring.

use bcf_model::calendar::{FinancialYear, Quarter};
use bcf_model::data::leicestershire;
use bcf_model::dfg::*;
use bcf_model::io::read_dfg_allocations;
use bcf_model::money::{Money, Precision, Rounding, Unit};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn y(s: &str) -> FinancialYear {
    s.parse().unwrap()
}
fn gbp(s: &str) -> Money {
    Money::parse(s, Unit::Pounds).unwrap()
}

const DISTRICTS: [(&str, &str, &str); 7] = [
    ("Blaby", "499,481", "542,165"),
    ("Charnwood", "846,293", "920,160"),
    ("Harborough", "385,744", "418,476"),
    ("Hinckley and Bosworth", "439,674", "472,848"),
    ("Melton", "259,427", "281,543"),
    ("North West Leicestershire", "572,989", "621,202"),
    ("Oadby and Wigston", "346,261", "375,897"),
];

#[test]
fn leicestershire_allocations_are_passported_in_full() {
    let dfg = leicestershire::dfg_allocations().unwrap();
    assert_eq!(dfg.years(), [y("2017/18"), y("2018/19")]);
    assert_eq!(dfg.districts().len(), 7);
    for (yr, total) in [("2017/18", "3,349,869"), ("2018/19", "3,632,291")] {
        assert_eq!(dfg.total(y(yr)).unwrap(), gbp(total));
        let p = passport(&dfg, y(yr), &[]).unwrap();
        assert_eq!(p.allocation, gbp(total));
        assert_eq!(p.passed, gbp(total));
        assert_eq!(p.retained, Money::ZERO);
        for ((name, a, b), d) in DISTRICTS.iter().zip(&p.districts) {
            assert_eq!(d.district, *name);
            let expected = if yr == "2017/18" { a } else { b };
            assert_eq!(d.passed, gbp(expected), "{name} {yr}");
            assert_eq!(d.allocation, d.passed);
        }
    }
}

#[test]
fn growth_is_8_43_percent_overall() {
    let dfg = leicestershire::dfg_allocations().unwrap();
    let g = dfg.growth(y("2017/18"), y("2018/19")).unwrap();
    assert_eq!(g.total.change, gbp("282,422"));
    assert_eq!(g.total.percent.unwrap().round_dp(2), Decimal::new(843, 2));
    let blaby = &g.districts[0];
    assert_eq!(blaby.district, "Blaby");
    assert_eq!(blaby.change, gbp("42,684"));
    assert_eq!(blaby.percent.unwrap().round_dp(2), Decimal::new(855, 2));
    assert!(dfg.growth(y("2017/18"), y("2019/20")).is_err());
}

#[test]
fn the_plan_lines_are_the_allocations_rounded_to_the_printed_precision() {
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let dfg = leicestershire::dfg_allocations().unwrap();
    for yr in ["2017/18", "2018/19"] {
        let check = check_plan_passport(&plan, y(yr), Some(&dfg), &[]).unwrap();
        assert_eq!(check.lines.len(), 7);
        assert_eq!(check.shortfall, Money::ZERO);
        for (district, amount) in &check.lines {
            let alloc = dfg.allocation(district, y(yr)).unwrap();
            assert_eq!(
                alloc
                    .round(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero)
                    .unwrap(),
                *amount,
                "{district} {yr}"
            );
        }
    }
}

#[test]
fn retention_needs_a_recorded_agreement_and_can_be_released_later() {
    let dfg = leicestershire::dfg_allocations().unwrap();
    let agreement = RetentionAgreement {
        year: y("2017/18"),
        amount: gbp("334,986.90"),
        purpose: "county-wide adaptations service".to_string(),
        parties: vec!["lcc".to_string(), "districts".to_string()],
        agreed_on: Some(chrono::NaiveDate::from_ymd_opt(2017, 9, 6).unwrap()),
        release: Some(Release {
            year: y("2018/19"),
            amount: gbp("200,000"),
        }),
        district: None,
    };
    let p = passport(&dfg, y("2017/18"), std::slice::from_ref(&agreement)).unwrap();
    assert_eq!(p.retained, gbp("334,986.90"));
    assert_eq!(p.passed, gbp("3,014,882.10"));
    assert_eq!(
        Money::checked_sum(p.districts.iter().map(|d| d.retained)).unwrap(),
        p.retained
    );
    // 10% of each allocation, to the penny
    assert_eq!(p.districts[0].retained, gbp("49,948.10"));
    let later = passport(&dfg, y("2018/19"), std::slice::from_ref(&agreement)).unwrap();
    assert_eq!(later.released, gbp("200,000"));
    assert_eq!(later.passed, gbp("3,832,291"));
    // The release goes back to each district pro rata to its own 2018/19
    // allocation (within a penny of the exact share), not just in total.
    let total = later.allocation.pounds();
    for d in &later.districts {
        let exact = gbp("200,000").pounds() * d.allocation.pounds() / total;
        let off = (d.released.pounds() - exact).abs();
        assert!(
            off < rust_decimal::Decimal::new(1, 2),
            "{}: {} against {exact}",
            d.district,
            d.released
        );
        assert_eq!(d.passed, d.allocation.checked_add(d.released).unwrap());
    }
    assert_eq!(
        Money::checked_sum(later.districts.iter().map(|d| d.released)).unwrap(),
        gbp("200,000")
    );

    let mut bad = agreement.clone();
    bad.parties.clear();
    assert!(passport(&dfg, y("2017/18"), &[bad])
        .unwrap_err()
        .to_string()
        .contains("no parties"));
    let mut bad = agreement.clone();
    bad.release = Some(Release {
        year: y("2017/18"),
        amount: gbp("1"),
    });
    assert!(passport(&dfg, y("2017/18"), &[bad])
        .unwrap_err()
        .to_string()
        .contains("later year"));
    let mut bad = agreement.clone();
    bad.release = Some(Release {
        year: y("2018/19"),
        amount: gbp("400,000"),
    });
    assert!(passport(&dfg, y("2018/19"), &[bad]).is_err());
    let mut bad = agreement;
    bad.amount = gbp("4,000,000");
    bad.release = None;
    assert!(passport(&dfg, y("2017/18"), &[bad])
        .unwrap_err()
        .to_string()
        .contains("more than"));
}

#[test]
fn a_county_total_split_pro_rata_sums_exactly_to_the_pound() {
    let dfg = leicestershire::dfg_allocations().unwrap();
    let shares: Vec<(String, Decimal)> = dfg
        .year(y("2017/18"))
        .unwrap()
        .into_iter()
        .map(|(d, m)| (d, m.pounds()))
        .collect();
    let split = DfgAllocations::from_total(gbp("3,632,291"), y("2018/19"), &shares).unwrap();
    assert_eq!(split.total(y("2018/19")).unwrap(), gbp("3,632,291"));
    for d in split.districts() {
        assert!(d.amounts()[0].is_multiple_of(Precision::POUNDS));
    }
    // the 2018/19 allocations are not a uniform uplift of 2017/18
    assert_ne!(
        split.allocation("Blaby", y("2018/19")),
        dfg.allocation("Blaby", y("2018/19"))
    );
    assert!(
        pro_rata(gbp("10.50"), &[Decimal::ONE]).is_err(),
        "pence are refused: whole pounds only"
    );
}

#[test]
fn bad_allocation_rows_name_line_column_and_value() {
    let text = "district,allocation_2017_18,allocation_2018_19\nBlaby,499481,x\n,1,2\nMelton,-5,1\n";
    let err = read_dfg_allocations("d.csv", text).unwrap_err().to_string();
    assert!(
        err.contains("d.csv:line 2, column allocation_2018_19, value \"x\""),
        "{err}"
    );
    assert!(err.contains("line 3, column district"), "{err}");
    assert!(err.contains("line 4, column allocation_2017_18, value \"-5\""), "{err}");
    let err = read_dfg_allocations("d.csv", "district,alloc\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("column alloc"), "{err}");
}

fn worked_returns() -> Vec<QuarterReturn> {
    let r = |d: &str, committed: &str, spent: &str, forecast: &str| QuarterReturn {
        district: d.to_string(),
        approved_committed: gbp(committed),
        spent: gbp(spent),
        forecast_committed_year_end: gbp(forecast),
    };
    vec![
        r("Blaby", "250,000", "180,000", "520,000"),
        r("Charnwood", "500,000", "300,000", "846,293"),
        r("Harborough", "150,000", "160,000", "300,000"),
        r("Hinckley and Bosworth", "200,000", "120,000", "439,674"),
        r("Melton", "140,000", "90,000", "259,427"),
        r("North West Leicestershire", "300,000", "200,000", "572,989"),
    ]
}

#[test]
fn quarterly_monitoring_finds_demand_above_and_below_the_allocation() {
    let dfg = leicestershire::dfg_allocations().unwrap();
    let p = passport(&dfg, y("2017/18"), &[]).unwrap();
    let q: Quarter = "2017/18 Q2".parse().unwrap();
    let report = monitor_passport(&p, q, &worked_returns()).unwrap();
    assert_eq!(report.quarter, "2017/18 Q2");
    assert_eq!(report.rows.len(), 7);
    assert_eq!(report.total.allocation, gbp("3,349,869"));
    let blaby = &report.rows[0];
    assert_eq!(blaby.forecast_uncommitted, gbp("-20,519"));
    assert!(report.findings.contains(&PassportFinding::DemandExceedsAllocation {
        district: "Blaby".to_string(),
        excess: gbp("20,519"),
    }));
    assert!(report.findings.contains(&PassportFinding::DemandBelowAllocation {
        district: "Harborough".to_string(),
        uncommitted: gbp("85,744"),
    }));
    assert!(report.findings.contains(&PassportFinding::SpentExceedsCommitted {
        district: "Harborough".to_string(),
        spent: gbp("160,000"),
        committed: gbp("150,000"),
    }));
    assert!(report.findings.contains(&PassportFinding::MissingReturn {
        district: "Oadby and Wigston".to_string(),
    }));
    assert!(!report.findings.iter().any(|f| f.to_string().starts_with("Charnwood")));
    assert_eq!(
        Money::checked_sum(report.rows.iter().map(|r| r.forecast_uncommitted)).unwrap(),
        report.total.forecast_uncommitted
    );

    let mut unknown = worked_returns();
    unknown[0].district = "Leicester City".to_string();
    assert!(matches!(
        monitor_passport(&p, q, &unknown),
        Err(DfgError::UnknownDistrict(_))
    ));
    let other: Quarter = "2018/19 Q1".parse().unwrap();
    assert!(matches!(
        monitor_passport(&p, other, &[]),
        Err(DfgError::WrongYear { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A pro-rata split sums exactly to the total, to the pound, each part
    /// within £1 of its exact share.
    #[test]
    fn pro_rata_sums_exactly(total in 0i64..10_000_000_000, weights in prop::collection::vec(0u32..2_000_000, 1..12)) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let total = Money::from_pence(total * 100);
        let w: Vec<Decimal> = weights.iter().map(|x| Decimal::from(*x)).collect();
        let parts = pro_rata(total, &w).unwrap();
        prop_assert_eq!(Money::checked_sum(parts.iter().copied()).unwrap(), total);
        let sum: Decimal = w.iter().sum();
        for (p, wi) in parts.iter().zip(&w) {
            prop_assert!(p.is_multiple_of(Precision::POUNDS));
            let exact = total.pounds() * *wi / sum;
            prop_assert!((p.pounds() - exact).abs() < Decimal::ONE);
        }
    }

    /// Any passport sums exactly: passed = allocation - retained + released,
    /// district by district and in total.
    #[test]
    fn passport_sums_exactly(
        allocs in prop::collection::vec(0i64..5_000_000, 1..10),
        retain_pm in 0i64..=1000,
        release_pm in 0i64..=1000,
    ) {
        prop_assume!(allocs.iter().any(|a| *a > 0));
        let text = {
            let mut t = String::from("district,allocation_2017_18,allocation_2018_19\n");
            for (i, a) in allocs.iter().enumerate() {
                t.push_str(&format!("D{i},{a},{}\n", a + 1));
            }
            t
        };
        let dfg = read_dfg_allocations("p.csv", &text).unwrap();
        let total = dfg.total(y("2017/18")).unwrap();
        let total_pence = total.steps(Precision::PENCE, Rounding::TowardZero).unwrap() as i64;
        let retained_pence = total_pence * retain_pm / 1000;
        let retained = Money::from_pence(retained_pence);
        let released = Money::from_pence(retained_pence * release_pm / 1000);
        let agreement = RetentionAgreement {
            year: y("2017/18"),
            amount: retained,
            purpose: "p".to_string(),
            parties: vec!["x".to_string()],
            agreed_on: None,
            release: Some(Release { year: y("2018/19"), amount: released }),
            district: None,
        };
        for yr in ["2017/18", "2018/19"] {
            let p = passport(&dfg, y(yr), std::slice::from_ref(&agreement)).unwrap();
            let sum = Money::checked_sum(p.districts.iter().map(|d| d.passed)).unwrap();
            prop_assert_eq!(sum, p.passed);
            let expect = p.allocation.checked_sub(p.retained).unwrap().checked_add(p.released).unwrap();
            prop_assert_eq!(p.passed, expect);
            prop_assert_eq!(p.allocation, dfg.total(y(yr)).unwrap());
            if yr == "2017/18" {
                prop_assert_eq!(p.retained, retained);
            } else {
                prop_assert_eq!(p.released, released);
            }
            for d in &p.districts {
                prop_assert!(!d.passed.is_negative());
                prop_assert_eq!(d.passed, d.allocation.checked_sub(d.retained).unwrap().checked_add(d.released).unwrap());
            }
        }
    }
}

#[test]
fn only_dfg_lines_count_as_passported() {
    use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
    let yr = y("2017/18");
    let k = |s: &str| Money::parse(s, Unit::Thousands).unwrap();
    let plan = Plan::builder("p")
        .year(yr)
        .contributor("ccg", "CCG", ContributorKind::Ccg)
        .contributor("county", "County", ContributorKind::CountyCouncil)
        .source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
        .source("dfg", "DFG", FundingSourceKind::Dfg)
        .allocation("min", "ccg", yr, k("200.0"))
        .allocation("dfg", "county", yr, k("499.5"))
        .programme("P", "P")
        .line(LineDraft::new("b", "P", "Blaby DC").amount("county", yr, "dfg", k("499.5")))
        .line(LineDraft::new("c", "P", "Charnwood integrated care").amount("ccg", yr, "min", k("200.0")))
        .build()
        .unwrap();
    let one = read_dfg_allocations(
        "one.csv",
        "district,allocation_2017_18\nBlaby,499481\nCharnwood,846293\n",
    )
    .unwrap();
    let check = check_plan_passport(&plan, yr, Some(&one), &[]).unwrap();
    assert_eq!(check.lines, vec![("Blaby".to_string(), k("499.5"))]);
    assert_eq!(check.income, k("499.5"));
    assert_eq!(check.shortfall, Money::ZERO);
}

#[test]
fn bad_out_of_hospital_rows_are_reported() {
    use bcf_model::io::read_out_of_hospital;
    let text = "item,amount_2017_18\nring-fence,10424\nplanned spend,\"14,064x\"\n";
    let err = read_out_of_hospital("o.csv", text).unwrap_err().to_string();
    assert!(err.contains("line 3, column amount_2017_18"), "{err}");
    assert!(err.contains("needs a ring-fence, a spend and a variance row"), "{err}");
}

/// Line numbers are physical lines in CRLF files too (the csv crate's own
/// numbering lags by one there).
#[test]
fn a_bad_allocation_in_a_crlf_file_names_its_line() {
    let text = "district,allocation_2017_18,allocation_2018_19\r\nBlaby,499481,542165\r\nCharnwood,84x293,920160\r\n";
    let err = read_dfg_allocations("dfg.csv", text).unwrap_err();
    assert_eq!(err.len(), 1, "{err}");
    assert_eq!(err[0].line, Some(3), "{err}");
    let lf = text.replace("\r\n", "\n");
    let err = read_dfg_allocations("dfg.csv", &lf).unwrap_err();
    assert_eq!(err[0].line, Some(3), "{err}");
}

/// A plan passporting the 2017/18 Leicestershire DFG to the seven districts
/// as exact figures, Melton's line moved by `melton`.
fn passporting_plan(melton: Money) -> bcf_model::plan::Plan {
    use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
    let dfg = leicestershire::dfg_allocations().unwrap();
    let p = passport(&dfg, y("2017/18"), &[]).unwrap();
    let mut b = Plan::builder("passport")
        .year(y("2017/18"))
        .contributor("lcc", "County", ContributorKind::CountyCouncil)
        .source("dfg", "DFG", FundingSourceKind::Dfg)
        .allocation("dfg", "lcc", y("2017/18"), p.allocation)
        .programme("P", "P");
    for (i, d) in p.districts.iter().enumerate() {
        let amount = if d.district == "Melton" {
            d.passed.checked_add(melton).unwrap()
        } else {
            d.passed
        };
        b = b.line(
            LineDraft::new(format!("L{i}"), "P", format!("{} adaptations", d.district)).amount(
                "lcc",
                y("2017/18"),
                "dfg",
                amount,
            ),
        );
    }
    b.build().unwrap()
}

/// Mutation gaps: a district exactly at its passport is not short (only
/// those below it are named), and passing on more than expected names
/// nobody.
#[test]
fn only_districts_below_their_passport_are_named_short() {
    let dfg = leicestershire::dfg_allocations().unwrap();
    let short = passporting_plan(gbp("-10,000"));
    let c = check_plan_passport(&short, y("2017/18"), Some(&dfg), &[]).unwrap();
    assert_eq!(c.shortfall, gbp("10,000"));
    assert_eq!(c.agreement, bcf_model::reconcile::Agreement::Error);
    assert_eq!(c.districts_short, vec!["Melton".to_string()]);
    let over = passporting_plan(gbp("10,000"));
    let c = check_plan_passport(&over, y("2017/18"), Some(&dfg), &[]).unwrap();
    assert_eq!(c.shortfall, gbp("-10,000"));
    assert_eq!(c.agreement, bcf_model::reconcile::Agreement::Error);
    assert!(c.districts_short.is_empty(), "{:?}", c.districts_short);
    let exact = passporting_plan(Money::ZERO);
    let c = check_plan_passport(&exact, y("2017/18"), Some(&dfg), &[]).unwrap();
    assert_eq!(c.agreement, bcf_model::reconcile::Agreement::Exact);
}

/// Mutation gaps: spending exactly what was committed is not an overspend;
/// the findings read as they should.
#[test]
fn monitoring_findings_at_the_boundary_and_in_words() {
    let dfg = leicestershire::dfg_allocations().unwrap();
    let p = passport(&dfg, y("2017/18"), &[]).unwrap();
    let q: Quarter = "2017/18 Q2".parse().unwrap();
    let melton = QuarterReturn {
        district: "Melton".into(),
        approved_committed: gbp("150,000"),
        spent: gbp("150,000"),
        forecast_committed_year_end: gbp("259,427"),
    };
    let report = monitor_passport(&p, q, &[melton]).unwrap();
    assert!(!report
        .findings
        .iter()
        .any(|f| matches!(f, PassportFinding::SpentExceedsCommitted { .. })));
    let words: Vec<String> = [
        PassportFinding::DemandExceedsAllocation {
            district: "Blaby".into(),
            excess: gbp("1"),
        },
        PassportFinding::DemandBelowAllocation {
            district: "Blaby".into(),
            uncommitted: gbp("2"),
        },
        PassportFinding::SpentExceedsCommitted {
            district: "Blaby".into(),
            spent: gbp("3"),
            committed: gbp("2"),
        },
        PassportFinding::MissingReturn {
            district: "Blaby\nx".into(),
        },
    ]
    .iter()
    .map(|f| f.to_string())
    .collect();
    assert_eq!(
        words,
        [
            "Blaby: forecast demand exceeds the allocation by £1.00",
            "Blaby: £2.00 forecast uncommitted at the year end",
            "Blaby: spent £3.00 is more than approved/committed £2.00",
            "Blaby\\nx: no return this quarter",
        ]
    );
}

/// Mutation gap: a year given twice in the allocations' header is refused.
#[test]
fn a_repeated_allocation_year_is_refused() {
    let text = "district,allocation_2017_18,allocation_2017_18\nBlaby,1,2\n";
    let err = read_dfg_allocations("dfg.csv", text).unwrap_err();
    assert_eq!(err[0].line, Some(1), "{err}");
    assert!(err[0].problem.contains("each year once"), "{err}");
}

/// £100,000 taken from one district's line and added to another's leaves
/// the total passported right, but the district it was taken from is short
/// of its passport: an error naming it, not "exact" (issue 15, item 6).
#[test]
fn money_passed_to_the_wrong_district_is_short_for_the_one_it_was_due_to() {
    let dfg = leicestershire::dfg_allocations().unwrap();
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let year = y("2017/18");
    let hundred_k = gbp("100,000");
    let moved = plan
        .with_line_amounts(|line, a| match line.name() {
            "Blaby DC" if a.year == year && !a.amount.is_zero() => Some(a.amount.checked_sub(hundred_k).unwrap()),
            "Charnwood BC" if a.year == year && !a.amount.is_zero() => Some(a.amount.checked_add(hundred_k).unwrap()),
            _ => None,
        })
        .unwrap();
    let c = check_plan_passport(&moved, year, Some(&dfg), &[]).unwrap();
    assert_eq!(c.shortfall, Money::ZERO, "the total is still right");
    assert_eq!(c.agreement, bcf_model::reconcile::Agreement::Error);
    assert_eq!(c.districts_short, vec!["Blaby".to_string()]);
    // Without the allocations only the total can be checked.
    let c = check_plan_passport(&moved, year, None, &[]).unwrap();
    assert_eq!(c.agreement, bcf_model::reconcile::Agreement::Exact);
}

/// An agreement naming its district retains from that district alone, and
/// releases back to it; a district it does not know is refused (issue 15,
/// item 6).
#[test]
fn a_retention_naming_its_district_comes_from_that_district() {
    let dfg = leicestershire::dfg_allocations().unwrap();
    let (year, later) = (y("2017/18"), y("2018/19"));
    let agreement = |district: &str| RetentionAgreement {
        year,
        amount: gbp("50,000"),
        purpose: "Blaby's share of the county adaptations service".to_string(),
        parties: vec!["lcc".to_string(), "Blaby".to_string()],
        agreed_on: None,
        release: Some(Release {
            year: later,
            amount: gbp("20,000"),
        }),
        district: Some(district.to_string()),
    };
    let blaby = agreement("Blaby");
    let none = passport(&dfg, year, &[]).unwrap();
    let p = passport(&dfg, year, std::slice::from_ref(&blaby)).unwrap();
    assert_eq!(p.retained, gbp("50,000"));
    assert_eq!(p.passed, none.passed.checked_sub(gbp("50,000")).unwrap());
    for (with, without) in p.districts.iter().zip(&none.districts) {
        let expected = if with.district == "Blaby" {
            without.passed.checked_sub(gbp("50,000")).unwrap()
        } else {
            without.passed
        };
        assert_eq!(with.passed, expected, "{}", with.district);
    }
    let back = passport(&dfg, later, std::slice::from_ref(&blaby)).unwrap();
    let blaby_back = back.districts.iter().find(|d| d.district == "Blaby").unwrap();
    assert_eq!(blaby_back.released, gbp("20,000"));
    assert!(back
        .districts
        .iter()
        .filter(|d| d.district != "Blaby")
        .all(|d| d.released.is_zero()));
    let err = passport(&dfg, year, &[agreement("Atlantis")]).unwrap_err();
    assert!(err.to_string().contains("Atlantis"), "{err}");
}
