//! The iBCF quarterly measures of the quarterly return (issue 18, item 3):
//! the Leicestershire County Council's iBCF spend to date by the grant's
//! three purposes, assigned here by the council's iBCF allocation codes
//! (`1.x`, `4.x`, `5.x`, `7.x`: adult social care needs; `2.x`, `3.x`:
//! reducing NHS pressures; `6.x`: the provider market) and by line id
//! for the uncoded lines (Stabilising the social care provider market,
//! BCF2.26; Integration Programme Management, BCF11.2) and for Assistive
//! Technology (BCF3.1, code 7.4, given to the NHS purpose by its id).
//! The purposes' spend adds up to the return's iBCF spend to date (derived
//! from its stream rows), the shares to exactly 100, and a line with no
//! purpose is reported by its id.

use bcf_model::contingency::ContingencyLedger;
use bcf_model::data::leicestershire;
use bcf_model::io::{write_return_csv, write_return_json};
use bcf_model::metrics::Percent;
use bcf_model::money::{Money, Precision, Rounding, Unit};
use bcf_model::monitor::{monitor, MissingActuals, Monitoring, MonitoringReport, Period};
use bcf_model::plan::Plan;
use bcf_model::present::{present_return, PresentationContext};
use bcf_model::returns::{
    quarterly_return, IbcfPurpose, IbcfPurposes, ProviderFeeUplifts, QuarterlyReturn, ReturnError,
};
use rust_decimal::Decimal;

fn k(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).unwrap()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

const ASC: IbcfPurpose = IbcfPurpose::AdultSocialCareNeeds;
const NHS: IbcfPurpose = IbcfPurpose::ReducingNhsPressures;
const MARKET: IbcfPurpose = IbcfPurpose::ProviderMarket;

/// The purposes of the module docs.
fn purposes() -> IbcfPurposes {
    let mut p = IbcfPurposes::new();
    for (first, purpose) in [
        ("1", ASC),
        ("2", NHS),
        ("3", NHS),
        ("4", ASC),
        ("5", ASC),
        ("6", MARKET),
        ("7", ASC),
    ] {
        for second in 1..=9 {
            p = p.code(format!("{first}.{second}"), purpose);
        }
    }
    p.line("BCF2.26", MARKET).line("BCF11.2", ASC).line("BCF3.1", NHS)
}

/// A Quarter 1 round of 2017/18 (as at June 2017) with `round`'s rules.
fn q1(round: impl FnOnce(Monitoring) -> Monitoring) -> (Plan, MonitoringReport, QuarterlyReturn) {
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse().unwrap()).unwrap();
    let report = monitor(&plan, &ledger, &round(Monitoring::new("2017-06".parse().unwrap()))).unwrap();
    let ret = quarterly_return(&plan, &report, &ledger).unwrap();
    (plan, report, ret)
}

fn quarter() -> Period {
    Period::Quarter("2017/18 Q1".parse().unwrap())
}

/// Four County Council lines spent in Quarter 1, nothing else: Assistive
/// Technology 180.0 and interim bed capacity (BCF2.25, code 3.9) 120.0 for
/// the NHS, the provider market 500.0, and the personal budget review team
/// (BCF9.6, code 1.1) 200.0 for social care: 1,000.0 in all.
fn four_lines(m: Monitoring) -> Monitoring {
    m.actual("BCF3.1", "lcc", quarter(), k("180"))
        .actual("BCF2.25", "lcc", quarter(), k("120"))
        .actual("BCF2.26", "lcc", quarter(), k("500"))
        .actual("BCF9.6", "lcc", quarter(), k("200"))
}

#[test]
fn spend_per_purpose_adds_up_to_the_returns_ibcf_spend_and_shares_to_a_hundred() {
    let (plan, report, ret) = q1(four_lines);
    let uplifts = ProviderFeeUplifts {
        home_care: Some(Percent::new(d("4.7"))),
        residential: Some(Percent::new(d("4.0"))),
        nursing: Some(Percent::new(d("4.1"))),
    };
    let ret = ret.with_ibcf_measures(&plan, &report, &purposes(), uplifts).unwrap();
    let ibcf = ret.ibcf.as_ref().unwrap();
    let spend = |p| ibcf.purpose(p).unwrap().spend_to_date;
    assert_eq!(spend(ASC), k("200"));
    assert_eq!(spend(NHS), k("300"));
    assert_eq!(spend(MARKET), k("500"));
    // Derived two ways: the purposes' spend, and the return's iBCF stream rows.
    let lcc = plan.contributor_ix("lcc").unwrap();
    assert_eq!(ret.stream(plan.funding("ibcf"), lcc).unwrap().spend_to_date, k("1,000"));
    assert_eq!(ret.ibcf_spend_to_date(&plan).unwrap(), k("1,000"));
    assert_eq!(ibcf.total().unwrap(), ret.ibcf_spend_to_date(&plan).unwrap());
    // Shares: 20%, 30% and 50% exactly, adding to exactly 100.
    let shares: Vec<Decimal> = ibcf
        .purposes
        .iter()
        .map(|p| p.share.unwrap().exact().unwrap().points())
        .collect();
    assert_eq!(shares, [d("20"), d("30"), d("50")]);
    assert_eq!(shares.iter().sum::<Decimal>(), Decimal::ONE_HUNDRED);
    // Every iBCF-funded line of the round is listed, with its purpose.
    let bcf31 = ibcf.lines.iter().find(|l| l.line == "BCF3.1").unwrap();
    assert_eq!((bcf31.purpose, bcf31.spend_to_date), (NHS, k("180")));
    let bcf25 = ibcf.lines.iter().find(|l| l.line == "BCF2.25").unwrap();
    assert_eq!(bcf25.purpose, NHS, "by its code, 3.9");
    assert!(ibcf.lines.iter().all(|l| l.contributor == lcc));

    // The tidy CSV and the JSON carry them exactly.
    let csv = write_return_csv(&ret).unwrap();
    assert!(csv.contains("2017/18 Q1,ibcf_line,BCF3.1,lcc,purpose,reducing_nhs_pressures\n"));
    assert!(
        csv.contains("2017/18 Q1,ibcf_purpose,provider_market,,spend_to_date,500000\n"),
        "{csv}"
    );
    assert!(csv.contains("2017/18 Q1,ibcf_purpose,provider_market,,share,500000/1000000\n"));
    assert!(csv.contains("2017/18 Q1,ibcf_purpose,provider_market,,share_percent,50\n"));
    assert!(csv.contains("2017/18 Q1,ibcf_fee_uplift,home_care,,uplift_percent,4.7\n"));
    assert!(csv.contains("2017/18 Q1,ibcf_fee_uplift,residential,,uplift_percent,4.0\n"));
    let json = write_return_json(&ret).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["ibcf"]["purposes"][2]["purpose"], "provider_market");
    assert_eq!(v["ibcf"]["purposes"][2]["share"]["exact"], "50");
    assert_eq!(v["ibcf"]["fee_uplifts"]["nursing"], "4.1");

    // Presented: a table of spend by purpose that adds up to the iBCF spend.
    let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
    let tables = present_return(&ret, &mut pack).unwrap();
    let t = tables.last().unwrap();
    assert_eq!(t.title, "iBCF spend to date by purpose (2017/18 Q1)");
    assert_eq!(t.column_labels, ["lcc"]);
    assert_eq!(
        t.row_labels,
        [
            "Meeting adult social care needs",
            "Reducing pressures on the NHS",
            "Supporting the social care provider market"
        ]
    );
    assert_eq!(t.total.rounded, k("1,000"));
    let printed = Money::checked_sum(t.row_totals.iter().map(|r| r.rounded)).unwrap();
    assert_eq!(printed, t.total.rounded);
}

#[test]
fn shares_that_are_no_decimal_are_kept_exact_and_printed_to_add_up() {
    // Every line on budget to date except Assistive Technology (150.0 of
    // 760.0): social care 2,886.6 / 4 = 721.65, the NHS 2,290.0 / 4 + 150.0
    // = 722.5, the market 3,589.0 / 4 = 897.25; 2,341.4 in all (the
    // County Council's iBCF stream in tests/quarterly_return.rs).
    let (plan, report, ret) = q1(|m| {
        m.missing_actuals(MissingActuals::OnBudgetToDate)
            .actual("BCF3.1", "lcc", quarter(), k("150"))
    });
    let ret = ret
        .with_ibcf_measures(&plan, &report, &purposes(), ProviderFeeUplifts::default())
        .unwrap();
    let ibcf = ret.ibcf.as_ref().unwrap();
    let spend: Vec<Money> = ibcf.purposes.iter().map(|p| p.spend_to_date).collect();
    assert_eq!(spend, [k("721.65"), k("722.5"), k("897.25")]);
    assert_eq!(ibcf.total().unwrap(), k("2,341.4"));
    assert_eq!(ret.ibcf_spend_to_date(&plan).unwrap(), k("2,341.4"));
    // 2,341.4 = 2 × 11,707 / 10, and 11,707 = 23 × 509: no share terminates.
    assert!(ibcf.purposes.iter().all(|p| p.share.unwrap().exact().is_none()));
    // The exact fractions add to exactly 100: their numerators to the whole.
    let whole = ibcf.purposes[0].share.unwrap().whole();
    let parts = Money::checked_sum(ibcf.purposes.iter().map(|p| p.share.unwrap().spend())).unwrap();
    assert_eq!(parts, whole);
    // Rounded only for printing: 30.8 + 30.9 + 38.3 = 100.0, none moved.
    let printed = ibcf.printed_shares(1, Rounding::HalfAwayFromZero).unwrap();
    let points: Vec<Decimal> = printed.iter().map(|p| p.1.points()).collect();
    assert_eq!(points, [d("30.8"), d("30.9"), d("38.3")]);
    assert!(printed.iter().all(|p| !p.2));
    assert_eq!(points.iter().sum::<Decimal>(), Decimal::ONE_HUNDRED);
    // To two places, 30.82 + 30.86 + 38.32 = 100.00.
    let printed = ibcf.printed_shares(2, Rounding::HalfAwayFromZero).unwrap();
    let points: Vec<Decimal> = printed.iter().map(|p| p.1.points()).collect();
    assert_eq!(points, [d("30.82"), d("30.86"), d("38.32")]);
    // No fee uplift given: none written.
    assert!(!write_return_csv(&ret).unwrap().contains("ibcf_fee_uplift"));
}

#[test]
fn an_ibcf_line_with_no_purpose_is_reported_by_its_id() {
    let (plan, report, ret) = q1(four_lines);
    // The provider market line has no code: without its line entry it has no purpose.
    let mut p = purposes();
    p.lines.remove("BCF2.26");
    let err = ret
        .clone()
        .with_ibcf_measures(&plan, &report, &p, ProviderFeeUplifts::default())
        .unwrap_err();
    assert_eq!(
        err,
        ReturnError::IbcfPurposeMissing {
            lines: vec!["BCF2.26 (lcc)".to_string()]
        }
    );
    assert!(err.to_string().contains("BCF2.26"), "{err}");
    // A line with no spend yet needs a purpose too; one known only by its
    // code is named with it.
    let mut p = purposes();
    p.codes.remove("3.9");
    let err = ret
        .clone()
        .with_ibcf_measures(&plan, &report, &p, ProviderFeeUplifts::default())
        .unwrap_err();
    assert_eq!(
        err,
        ReturnError::IbcfPurposeMissing {
            lines: vec!["BCF2.25 (iBCF code 3.9, lcc)".to_string()]
        }
    );
    // A purpose for a line the plan does not have is refused, not ignored.
    let err = ret
        .with_ibcf_measures(
            &plan,
            &report,
            &purposes().line("BCF99.1", ASC),
            ProviderFeeUplifts::default(),
        )
        .unwrap_err();
    assert_eq!(
        err,
        ReturnError::UnknownIbcfLine {
            line: "BCF99.1".to_string()
        }
    );
}

#[test]
fn no_ibcf_spend_gives_no_share() {
    let (plan, report, ret) = q1(|m| m);
    let ret = ret
        .with_ibcf_measures(&plan, &report, &purposes(), ProviderFeeUplifts::default())
        .unwrap();
    let ibcf = ret.ibcf.as_ref().unwrap();
    assert_eq!(ibcf.total().unwrap(), Money::ZERO);
    assert!(ibcf.purposes.iter().all(|p| p.share.is_none()));
    assert!(ibcf.printed_shares(1, Rounding::HalfAwayFromZero).unwrap().is_empty());
    // Every iBCF-funded line is still listed, with its purpose.
    assert!(ibcf.lines.iter().any(|l| l.line == "BCF2.26" && l.purpose == MARKET));
}

#[test]
fn a_report_of_another_round_is_refused() {
    let (plan, _, ret) = q1(four_lines);
    let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse().unwrap()).unwrap();
    let july = monitor(&plan, &ledger, &Monitoring::new("2017-07".parse().unwrap())).unwrap();
    let err = ret
        .with_ibcf_measures(&plan, &july, &purposes(), ProviderFeeUplifts::default())
        .unwrap_err();
    assert!(matches!(err, ReturnError::NotOfThisRound { .. }), "{err}");
}
