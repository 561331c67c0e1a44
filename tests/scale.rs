//! A large plan is held compactly and read back the same by both tidy readers.

use bcf_model::calendar::FinancialYear;
use bcf_model::io::tidy::{read_plan_tidy, read_plan_tidy_reference, write_plan_tidy};
use bcf_model::money::Money;
use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
use bcf_model::reconcile::reconcile;

/// A balanced plan of `lines` lines × 3 contributors × 2 years over 11
/// programmes, with amounts up to £5m in pence.
fn large_plan(lines: usize) -> Plan {
    let years = [
        FinancialYear::starting(2017).unwrap(),
        FinancialYear::starting(2018).unwrap(),
    ];
    let contributors = ["wl_ccg", "elr_ccg", "lcc"];
    let mut b = Plan::builder("large").year(years[0]).year(years[1]);
    for c in contributors {
        b = b
            .contributor(c, c, ContributorKind::Ccg)
            .source(c, c, FundingSourceKind::NhsMinimum);
    }
    for p in 0..11 {
        b = b.programme(&format!("BCF{p}"), "programme");
    }
    let mut totals = [[0i64; 2]; 3];
    for l in 0..lines {
        let mut d = LineDraft::new(format!("L{l}"), format!("BCF{}", l % 11), format!("line {l}"));
        for (ci, c) in contributors.iter().enumerate() {
            for (yi, y) in years.iter().enumerate() {
                let pence = ((l as i64 * 7_919 + ci as i64 * 104_729 + yi as i64) * 7_907) % 500_000_000;
                totals[ci][yi] += pence;
                d = d.amount(c, *y, c, Money::from_pence(pence));
            }
        }
        b = b.line(d);
    }
    for (ci, c) in contributors.iter().enumerate() {
        for (yi, y) in years.iter().enumerate() {
            b = b.allocation(c, c, *y, Money::from_pence(totals[ci][yi]));
        }
    }
    b.build().unwrap()
}

#[test]
fn a_large_plan_takes_under_twice_its_amounts_and_both_readers_agree() {
    let lines = 20_000;
    let plan = large_plan(lines);
    let amounts = lines * 6;
    // The amounts themselves as 8-byte pence (half their size as Money), and
    // the plan's heap: per amount a 4-byte count of pence and a 1-byte cell
    // (the amounts are under £21m and the cells under 256), plus per line its
    // id, name and positions.
    let pence = amounts * 8;
    let heap = plan.heap_bytes();
    assert!(heap <= 2 * pence, "{heap} bytes for {pence} bytes of amounts");
    assert!(heap >= amounts * 5, "{heap} bytes cannot hold {amounts} amounts");
    assert!(reconcile(&plan).unwrap().is_balanced());

    let text = write_plan_tidy(&plan);
    assert_eq!(read_plan_tidy("large.csv", &text).unwrap(), plan);
    assert_eq!(read_plan_tidy_reference("large.csv", &text).unwrap(), plan);
}
