//! iBCF grant profiles, pooling and the withholding scenario.

use bcf_model::calendar::FinancialYear;
use bcf_model::data::leicestershire;
use bcf_model::ibcf::*;
use bcf_model::money::{Money, Precision, Unit};
use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
use bcf_model::verdict::Outcome;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn y(s: &str) -> FinancialYear {
    s.parse().unwrap()
}
fn k(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).unwrap()
}
fn leics() -> Plan {
    leicestershire::expenditure_plan().unwrap().plan
}

#[test]
fn spring_budget_profile_is_three_years_non_recurrent() {
    let p = leicestershire::ibcf_spring_budget_2017().unwrap();
    assert_eq!(
        p.years,
        vec![
            (y("2017/18"), k("9,525.6")),
            (y("2018/19"), k("6,837.6")),
            (y("2019/20"), k("3,336.8"))
        ]
    );
    assert_eq!(p.total().unwrap(), k("19,700.0"));
    assert!(!p.recurrent);
    assert_eq!(p.kind, FundingSourceKind::IbcfSpringBudget2017);
    let err = GrantProfile::spring_budget_2017(y("2017/18"), k("10"), k("9"), k("2")).unwrap_err();
    assert!(err.to_string().contains("do not fit"), "{err}");
}

#[test]
fn grants_must_be_pooled() {
    let plan = leics();
    let sb = leicestershire::ibcf_spring_budget_2017().unwrap();
    for yr in ["2017/18", "2018/19"] {
        let c = check_pooled(&plan, &sb, y(yr)).unwrap();
        assert_eq!(c.outcome, Outcome::Met, "{c}");
    }
    let sr = GrantProfile::new(
        "iBCF (Spending Review 2015)",
        FundingSourceKind::IbcfSpendingReview2015,
        vec![(y("2017/18"), Money::ZERO), (y("2018/19"), k("5,582.0"))],
        true,
    )
    .unwrap();
    assert_eq!(check_pooled(&plan, &sr, y("2018/19")).unwrap().outcome, Outcome::Met);
    // a Winter Pressures grant the plan does not pool
    let wp = GrantProfile::new(
        "Winter Pressures",
        FundingSourceKind::WinterPressures,
        vec![(y("2018/19"), k("2,000.0"))],
        false,
    )
    .unwrap();
    let c = check_pooled(&plan, &wp, y("2018/19")).unwrap();
    assert_eq!(c.outcome, Outcome::NotMet);
    assert!(c.to_string().contains("short by £2,000,000.00"), "{c}");
    assert_eq!(
        check_pooled(&plan, &wp, y("2017/18")).unwrap().outcome,
        Outcome::CannotTell
    );
}

#[test]
fn ten_percent_of_the_2018_19_spring_budget_grant_cut_pro_rata() {
    let plan = leics();
    let w = Withholding::new(
        "ibcf_spring_2017",
        y("2018/19"),
        WithheldAmount::Percent(Decimal::TEN),
        CutRule::ProRata,
    );
    let out = withhold(&plan, &w).unwrap();
    assert_eq!(out.grant_before, k("6,837.6"));
    assert_eq!(out.withheld, k("683.76"));
    assert_eq!(out.grant_after, k("6,153.84"));
    assert_eq!(
        out.via_group.as_deref(),
        Some("ibcf"),
        "2018/19 lines are funded by both grants jointly"
    );
    let before = Money::checked_sum(out.cuts.iter().map(|c| c.before)).unwrap();
    assert_eq!(before, k("12,419.6"), "every line the iBCF group funds");
    let cut = Money::checked_sum(out.cuts.iter().map(|c| c.cut)).unwrap();
    assert_eq!(cut, out.withheld);
    for c in &out.cuts {
        assert!(!c.after.is_negative());
        assert_eq!(c.before.checked_sub(c.cut).unwrap(), c.after);
        assert!(c.cut.is_multiple_of(Precision::PENCE));
        let exact = c.before.pounds() * out.withheld.pounds() / before.pounds();
        assert!((c.cut.pounds() - exact).abs() < Decimal::new(1, 2), "{c:?}");
    }
    let market = out
        .cuts
        .iter()
        .find(|c| c.name == "Stabilising the social care provider market")
        .unwrap();
    assert_eq!(market.before, k("7,201.5"));
    assert_eq!(market.cut, Money::from_pence(39_647_796));
    // the plan still balances, with the County Council's income and spend both lower
    assert!(out.reconciliation.is_balanced());
    let lcc = out
        .balances()
        .find(|b| out.plan.contributor(b.contributor).unwrap().id == "lcc")
        .unwrap();
    assert_eq!(lcc.allocation, k("15,368.14"));
    assert_eq!(lcc.expenditure, k("15,368.14"));
    assert_eq!(lcc.commitment, Money::ZERO);
    // 2017/18 is untouched
    let y1 = y("2017/18");
    assert_eq!(
        out.reconciliation.totals.year_expenditure(y1),
        leicestershire::expenditure_plan()
            .map(|p| bcf_model::reconcile::reconcile(&p.plan)
                .unwrap()
                .totals
                .year_expenditure(y1))
            .unwrap()
    );
}

#[test]
fn a_priority_order_cuts_lines_in_turn() {
    let plan = leics();
    let market = plan
        .lines()
        .iter()
        .find(|l| l.name() == "Stabilising the social care provider market")
        .unwrap()
        .id()
        .to_string();
    let dom = plan
        .lines()
        .iter()
        .find(|l| l.name() == "Investment in dom care market to increase capacity")
        .unwrap()
        .id()
        .to_string();
    let w = Withholding::new(
        "ibcf_spring_2017",
        y("2018/19"),
        WithheldAmount::Amount(k("1,500.0")),
        CutRule::Priority(vec![dom.clone(), market.clone()]),
    );
    let out = withhold(&plan, &w).unwrap();
    let cut_of = |id: &str| out.cuts.iter().find(|c| c.line == id).unwrap().cut;
    assert_eq!(cut_of(&dom), k("1,000.0"), "cut to zero first");
    assert_eq!(cut_of(&market), k("500.0"));
    assert_eq!(
        Money::checked_sum(out.cuts.iter().map(|c| c.cut)).unwrap(),
        k("1,500.0")
    );
    assert!(out.reconciliation.is_balanced());

    let too_much = Withholding {
        amount: WithheldAmount::Amount(k("1,000.1")),
        rule: CutRule::Priority(vec![dom.clone()]),
        ..w.clone()
    };
    let err = withhold(&plan, &too_much).unwrap_err();
    assert!(matches!(err, IbcfError::PriorityExhausted { .. }), "{err}");
    let not_ibcf = Withholding {
        rule: CutRule::Priority(vec!["BCF3.3".to_string()]), // Blaby DC: DFG-funded
        ..w.clone()
    };
    assert!(withhold(&plan, &not_ibcf)
        .unwrap_err()
        .to_string()
        .contains("not funded"));
    let no_line = Withholding {
        rule: CutRule::Priority(vec!["nope".to_string()]),
        ..w
    };
    assert!(withhold(&plan, &no_line)
        .unwrap_err()
        .to_string()
        .contains("no such line"));
}

#[test]
fn impossible_withholdings_are_errors() {
    let plan = leics();
    let mk = |source: &str, amount| Withholding::new(source, y("2018/19"), amount, CutRule::ProRata);
    let err = withhold(&plan, &mk("nope", WithheldAmount::Amount(k("1")))).unwrap_err();
    assert!(matches!(err, IbcfError::UnknownSource(_)));
    let err = withhold(&plan, &mk("ibcf_spring_2017", WithheldAmount::Amount(k("6,837.7")))).unwrap_err();
    assert!(err.to_string().contains("more than the grant income"), "{err}");
    let err = withhold(
        &plan,
        &mk("ibcf_spring_2017", WithheldAmount::Percent(Decimal::from(101))),
    )
    .unwrap_err();
    assert!(err.to_string().contains("101%"), "{err}");
    let err = withhold(
        &plan,
        &mk(
            "ibcf_spring_2017",
            WithheldAmount::Amount(Money::from_pounds(Decimal::new(1, 3))),
        ),
    )
    .unwrap_err();
    assert!(err.to_string().contains("pence"), "{err}");
    let zero = withhold(&plan, &mk("ibcf_spring_2017", WithheldAmount::Amount(Money::ZERO))).unwrap();
    assert!(zero.cuts.iter().all(|c| c.cut.is_zero()));
}

fn grant_plan(amounts: &[i64]) -> Plan {
    let yr = y("2018/19");
    let total: i64 = amounts.iter().sum();
    let mut b = Plan::builder("p")
        .year(yr)
        .contributor("la", "Council", ContributorKind::CountyCouncil)
        .source("grant", "iBCF", FundingSourceKind::IbcfSpringBudget2017)
        .allocation("grant", "la", yr, Money::from_pence(total))
        .programme("P", "P");
    for (i, a) in amounts.iter().enumerate() {
        b = b.line(LineDraft::new(format!("l{i}"), "P", format!("Line {i}")).amount(
            "la",
            yr,
            "grant",
            Money::from_pence(*a),
        ));
    }
    b.build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A withholding never leaves a line negative and conserves money: the
    /// cuts add up to the amount withheld, and the plan still balances.
    #[test]
    fn withholding_conserves_money(
        amounts in prop::collection::vec(0i64..1_000_000_000, 1..15),
        fraction in 0u32..=10_000,
        priority in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let total: i64 = amounts.iter().sum();
        prop_assume!(total > 0);
        let plan = grant_plan(&amounts);
        let withheld = Money::from_pence(((i128::from(total) * i128::from(fraction)) / 10_000) as i64);
        let rule = if priority {
            let mut order: Vec<String> = (0..amounts.len()).map(|i| format!("l{i}")).collect();
            // a deterministic shuffle from the seed
            let n = order.len();
            for i in 0..n {
                let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % n as u64) as usize;
                order.swap(i, j);
            }
            CutRule::Priority(order)
        } else {
            CutRule::ProRata
        };
        let w = Withholding::new("grant", y("2018/19"), WithheldAmount::Amount(withheld), rule);
        let out = withhold(&plan, &w).unwrap();
        prop_assert_eq!(Money::checked_sum(out.cuts.iter().map(|c| c.cut)).unwrap(), withheld);
        for c in &out.cuts {
            prop_assert!(!c.after.is_negative());
            prop_assert!(!c.cut.is_negative());
            prop_assert_eq!(c.before.checked_sub(c.cut).unwrap(), c.after);
        }
        prop_assert!(out.reconciliation.is_balanced());
        prop_assert_eq!(out.grant_after, Money::from_pence(total).checked_sub(withheld).unwrap());
    }
}
