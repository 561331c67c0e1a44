//! Metrics, RAG and risks: the published Leicestershire figures and
//! property tests of the conversions.

use bcf_model::data::leicestershire;
use std::collections::BTreeMap;

use bcf_model::io::read_published_metrics;
use bcf_model::io::read_risk_register;
use bcf_model::metrics::{
    catalogue, ids, implied_population, later_metrics, national_metrics_2017_19, target_plus_variance, AgeBand,
    AnnualRate, BasedRate, FormulaKind, MetricError, Percent, Polarity, Population, PopulationBase, PopulationBases,
    PrintedValue, ProfiledTarget, Rag, RagOverride, RagPolicy, RagReport, RagRule, Rate, Tolerance, YearToDate,
};
use bcf_model::money::{Format, Render};
use bcf_model::risk::{RiskBand, RiskBands, RiskError, RiskRating, RiskScore, Trend};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn base(metric: &str, year: &str, band: AgeBand, people: u32, source: &str) -> PopulationBase {
    PopulationBase {
        metric: metric.to_string(),
        year: year.parse().unwrap(),
        band,
        source: source.to_string(),
        vintage: "as implied by the printed pairs".to_string(),
        population: Population::new(people).unwrap(),
    }
}

#[test]
fn permanent_admissions_are_a_rate_a_year_of_the_65_plus() {
    // metrics_2016_17_outturn.csv (shared Leicestershire 2017-19 data):
    // "target max 827 admissions; outturn 864 admissions", printed 606.4
    // and 633.5 per 100,000 population 65+ per year. 136,380 people 65+
    // is one of the populations both pairs imply (tests/implied_population.rs).
    let older = base(
        ids::PERMANENT_ADMISSIONS_65,
        "2016/17",
        AgeBand::Older65Plus,
        136_380,
        "implied by 827 = 606.4 and 864 = 633.5",
    );
    let one = Format::places(1).unwrap();
    let target = BasedRate::<AnnualRate>::from_count(Decimal::from(827), &older).unwrap();
    let outturn = BasedRate::<AnnualRate>::from_count(Decimal::from(864), &older).unwrap();
    assert_eq!(target.rate().render(one), "606.4");
    assert_eq!(outturn.rate().render(one), "633.5");
    assert_eq!(target.band(), &AgeBand::Older65Plus);
    assert_eq!(
        BasedRate::new(AnnualRate::new(d("606.4")), AgeBand::Older65Plus).to_string(),
        "606.4 per 100,000 65+ a year"
    );
    // and back: the counts the printed rates mean, to the admission
    let printed = BasedRate::new(AnnualRate::new(d("633.5")), AgeBand::Older65Plus);
    assert_eq!(printed.count(&older).unwrap().round(), Decimal::from(864));
    // a rate of the 65+ is not counted in the adults 18+ (DOMAIN.md section 5: 546,185)
    let adults = base(ids::DTOC, "2016/17", AgeBand::Adults18Plus, 546_185, "June 2017");
    assert!(matches!(
        printed.count(&adults),
        Err(MetricError::WrongBand {
            rate: AgeBand::Older65Plus,
            base: AgeBand::Adults18Plus
        })
    ));
    // 2017/18 (metric_trajectories_2017_19.csv): 630.6 a year = 879 admissions of 139,391 people 65+
    let target_17 = AnnualRate::new(d("630.6"));
    let older_17 = Population::new(139_391).unwrap();
    assert_eq!(target_17.count(older_17).unwrap().round(), Decimal::from(879));
    assert_eq!(
        AnnualRate::from_count(Decimal::from(879), older_17)
            .unwrap()
            .render(one),
        "630.6"
    );
}

#[test]
fn non_elective_admissions_are_a_year_printed_a_month() {
    // metrics_2016_17_outturn.csv: 61,920 admissions in 2016/17, printed
    // 759.84 per 100,000 a month: the year's rate over twelve months. The
    // population, 679,090 (all ages), is the one those figures imply.
    let everyone = base(
        ids::NON_ELECTIVE_ADMISSIONS,
        "2016/17",
        AgeBand::AllAges,
        679_090,
        "implied by 61,920 = 759.84",
    );
    let year = BasedRate::<AnnualRate>::from_count(Decimal::from(61_920), &everyone).unwrap();
    assert_eq!(year.rate().render(Format::places(2).unwrap()), "9,118.08"); // 61,920 x 100,000 / 679,090
    let monthly = year.rate().monthly_average().unwrap();
    assert_eq!(monthly.render(Format::places(2).unwrap()), "759.84");
    // metric_trajectories_2017_19.csv: the 2017/18 target 737.92 a month is 8,855.04 a year
    let target = AnnualRate::from_monthly_average(Rate::new(d("737.92"))).unwrap();
    assert_eq!(target, AnnualRate::new(d("8855.04")));
    assert_eq!(target.monthly_average().unwrap(), Rate::new(d("737.92")));
    assert_eq!(
        BasedRate::new(target, AgeBand::AllAges).to_string(),
        "8855.04 per 100,000 a year"
    );
}

#[test]
fn permanent_admissions_630_6_per_100k_is_at_most_879() {
    let printed: PrintedValue = "630.6".parse().unwrap();
    let pop = implied_population(Decimal::from(879), printed).unwrap();
    assert_eq!(pop.whole_people(), Some((139_381, 139_402)));
    assert_eq!(pop.point().unwrap().round(), Decimal::from(139_391));
    let rate = Rate::new(d("630.6"));
    for people in [139_381u32, 139_391, 139_402] {
        let p = Population::new(people).unwrap();
        // rate -> count
        assert_eq!(rate.count(p).unwrap().round(), Decimal::from(879), "{people}");
        // count -> rate
        assert_eq!(
            Rate::from_count(Decimal::from(879), p)
                .unwrap()
                .render(Format::places(1).unwrap()),
            "630.6"
        );
    }
    // just outside the interval 879 no longer prints as 630.6
    for people in [139_380u32, 139_403] {
        let p = Population::new(people).unwrap();
        assert_ne!(
            Rate::from_count(Decimal::from(879), p)
                .unwrap()
                .render(Format::places(1).unwrap()),
            "630.6"
        );
    }
    // the published trajectory carries the same pair
    let t = leicestershire::metric_trajectories_2017_19().unwrap();
    assert_eq!(t[0].years[0].target.value, d("630.6"));
    assert_eq!(t[0].years[0].count_equivalent, Some(Decimal::from(879)));
}

#[test]
fn the_same_year_uses_different_populations() {
    // 2017/18: target 879 = 630.6, forecast 812 = 582.7 (65+)
    let target = implied_population(Decimal::from(879), "630.6".parse().unwrap()).unwrap();
    let forecast = implied_population(Decimal::from(812), "582.7".parse().unwrap()).unwrap();
    assert_eq!(forecast.whole_people(), Some((139_340, 139_363)));
    assert!(forecast.high() < target.low(), "the intervals do not overlap");
    // so one population per metric and year must be recorded, never assumed
    let year = "2017/18".parse().unwrap();
    let mut bases = PopulationBases::default();
    let base = PopulationBase {
        metric: ids::PERMANENT_ADMISSIONS_65.to_string(),
        year,
        band: AgeBand::Older65Plus,
        source: "implied by the published target (879 = 630.6)".to_string(),
        vintage: "September 2017".to_string(),
        population: target.point_population().unwrap(),
    };
    bases.insert(base.clone()).unwrap();
    assert!(matches!(
        bases.insert(base),
        Err(MetricError::DuplicatePopulation { .. })
    ));
    assert!(matches!(
        bases.get(ids::DTOC, year),
        Err(MetricError::NoPopulation { .. })
    ));
    assert_eq!(
        bases.get(ids::PERMANENT_ADMISSIONS_65, year).unwrap().band,
        AgeBand::Older65Plus
    );
}

#[test]
fn non_elective_admissions_per_month() {
    let nel = national_metrics_2017_19()
        .into_iter()
        .find(|m| m.id == ids::NON_ELECTIVE_ADMISSIONS)
        .unwrap();
    assert_eq!(nel.formula, FormulaKind::MonthlyRatePer100kOfAnnualCount);
    // 60,582 admissions a year = 737.92 per 100,000 per month: population about 684,148
    let monthly: Decimal = Decimal::from(60_582) / Decimal::from(12);
    let pop = implied_population(monthly, "737.92".parse().unwrap()).unwrap();
    assert_eq!(pop.whole_people(), Some((684_149, 684_157)));
    let people = Decimal::from(684_150);
    assert_eq!(
        nel.value(Decimal::from(60_582), people).unwrap().round_dp(2),
        d("737.92")
    );
    assert_eq!(
        nel.numerator(d("737.92"), people).unwrap().round(),
        Decimal::from(60_582)
    );
    // 2016/17: 61,920 admissions = 759.84 and 59,030 target = 724.37 share whole populations
    let a = implied_population(Decimal::from(61_920) / Decimal::from(12), "759.84".parse().unwrap()).unwrap();
    let b = implied_population(Decimal::from(59_030) / Decimal::from(12), "724.37".parse().unwrap()).unwrap();
    assert_eq!(a.whole_people(), Some((679_086, 679_094)));
    assert_eq!(b.whole_people(), Some((679_092, 679_100)));
}

#[test]
fn reablement_percentage() {
    let m = national_metrics_2017_19()
        .into_iter()
        .find(|m| m.id == ids::REABLEMENT_91_DAYS)
        .unwrap();
    assert_eq!(m.polarity, Polarity::HigherIsBetter);
    assert_eq!(m.value(Decimal::from(844), Decimal::from(1_000)).unwrap(), d("84.4"));
    assert_eq!(
        Percent::of(Decimal::from(87), Decimal::from(100))
            .unwrap()
            .render(Format::places(1).unwrap()),
        "87.0%"
    );
}

#[test]
fn metric_catalogue() {
    let national: Vec<String> = national_metrics_2017_19().into_iter().map(|m| m.id).collect();
    assert_eq!(
        national,
        [
            ids::PERMANENT_ADMISSIONS_65,
            ids::REABLEMENT_91_DAYS,
            ids::DTOC,
            ids::NON_ELECTIVE_ADMISSIONS
        ]
    );
    let later: Vec<String> = later_metrics().into_iter().map(|m| m.id).collect();
    assert_eq!(
        later,
        [
            ids::AVOIDABLE_ADMISSIONS,
            ids::DISCHARGE_TO_USUAL_RESIDENCE,
            ids::FALLS_ADMISSIONS_65
        ]
    );
    let all = catalogue();
    let falls = all.iter().find(|m| m.id == ids::FALLS_ADMISSIONS_65).unwrap();
    assert_eq!(
        (falls.denominator.clone(), falls.polarity),
        (AgeBand::Older65Plus, Polarity::LowerIsBetter)
    );
    let dtoc = all.iter().find(|m| m.id == ids::DTOC).unwrap();
    assert_eq!(dtoc.denominator, AgeBand::Adults18Plus);
}

#[test]
fn forecasts() {
    assert_eq!(
        target_plus_variance(Decimal::from(70_569), Decimal::from(-601)).unwrap(),
        Decimal::from(69_968)
    );
    let ytd = YearToDate {
        annual_target: Decimal::from(60_582),
        target: Decimal::from(20_157),
        actual: Decimal::from(21_104),
        months_elapsed: 4,
    };
    assert_eq!(ytd.variance().unwrap(), Decimal::from(947));
    assert_eq!(ytd.straight_line().unwrap(), Decimal::from(63_312));
    assert_eq!(ytd.target_plus_variance().unwrap(), Decimal::from(61_529));
    assert_eq!(ytd.ratio_to_profile().unwrap().round_dp(2), d("63428.21"));
}

#[test]
fn profiled_year_to_date_targets() {
    let year = "2017/18".parse().unwrap();
    // A profile under which April-July carry 20,157 of 60,582 admissions.
    let mut w = [Decimal::from(60_582 - 20_157); 12];
    for x in w.iter_mut().take(4) {
        *x = Decimal::from(20_157 * 2);
    }
    let p = ProfiledTarget::new(year, Decimal::from(60_582), w).unwrap();
    assert_eq!(
        p.year_to_date("2017-07".parse().unwrap()).unwrap(),
        Decimal::from(20_157)
    );
    assert_eq!(
        p.year_to_date("2018-03".parse().unwrap()).unwrap(),
        Decimal::from(60_582)
    );
    // pro rata would have said 20,194
    let flat = ProfiledTarget::flat(year, Decimal::from(60_582));
    assert_eq!(
        flat.year_to_date("2017-07".parse().unwrap()).unwrap(),
        Decimal::from(20_194)
    );
    assert!(p.year_to_date("2018-04".parse().unwrap()).is_err());
}

#[test]
fn dtoc_q4_2016_17_is_red() {
    let rule = RagPolicy::default().rule(ids::DTOC, Polarity::LowerIsBetter);
    assert_eq!(rule.rate(d("377.10"), d("312.19")).unwrap(), Rag::Red);
    // still Red with a 20% tolerance (it is 20.8% over), Amber at 25%
    let wide = |t: &str| RagRule {
        polarity: Polarity::LowerIsBetter,
        amber: Tolerance::Relative(d(t)),
    };
    assert_eq!(wide("0.20").rate(d("377.10"), d("312.19")).unwrap(), Rag::Red);
    assert_eq!(wide("0.25").rate(d("377.10"), d("312.19")).unwrap(), Rag::Amber);
}

#[test]
fn published_ratings_against_the_default_policy() {
    let outturn = leicestershire::metrics_outturn_2016_17().unwrap();
    let in_year = leicestershire::metrics_in_year_2017_18().unwrap();
    let policy = RagPolicy::default();
    let a = RagReport::from_published(&outturn, &policy, &BTreeMap::new()).unwrap();
    let b = RagReport::from_published(&in_year, &policy, &BTreeMap::new()).unwrap();
    let computed: Vec<Rag> = a.rows.iter().chain(&b.rows).map(|r| r.assessment.computed).collect();
    use Rag::*;
    assert_eq!(
        computed,
        [Amber, Green, Red, Amber, Green, Green, Green, Amber, Green, Amber]
    );
    let printed: Vec<Rag> = a.rows.iter().chain(&b.rows).map(|r| r.printed.unwrap()).collect();
    assert_eq!(printed, [Red, Green, Red, Amber, Green, Green, Green, Amber, Red, Red]);
    // +4.5% printed Red (permanent admissions 2016/17), +4.9% printed Amber (NEL 2016/17):
    // no single threshold gives both, and the default policy says where it differs.
    let differ: Vec<&str> = a
        .disagreements()
        .chain(b.disagreements())
        .map(|r| r.assessment.metric.as_str())
        .collect();
    assert_eq!(
        differ,
        [
            "permanent admissions 65+ to residential and nursing care",
            "delayed transfers of care",
            "non-elective admissions (general and acute)"
        ]
    );
    let perm = &a.rows[0].assessment;
    let nel = &a.rows[3].assessment;
    assert_eq!(
        Percent::of(perm.adverse_gap, perm.target)
            .unwrap()
            .render(Format::places(1).unwrap()),
        "4.5%"
    );
    assert_eq!(
        Percent::of(nel.adverse_gap, nel.target)
            .unwrap()
            .render(Format::places(1).unwrap()),
        "4.9%"
    );
}

#[test]
fn overrides_keep_both_ratings() {
    let in_year = leicestershire::metrics_in_year_2017_18().unwrap();
    let mut overrides = BTreeMap::new();
    overrides.insert(
        "delayed transfers of care".to_string(),
        RagOverride::new(Rag::Red, "targets for April-June were reset to actual").unwrap(),
    );
    let report = RagReport::from_published(&in_year, &RagPolicy::default(), &overrides).unwrap();
    let dtoc = &report.rows[2];
    assert_eq!(dtoc.assessment.computed, Rag::Green);
    assert_eq!(dtoc.assessment.effective(), Rag::Red);
    assert_eq!(
        dtoc.assessment.manual.as_ref().unwrap().reason,
        "targets for April-June were reset to actual"
    );
    assert!(!dtoc.differs_from_printed());
    assert!(dtoc.computed_differs_from_printed());
    assert!(matches!(
        RagOverride::new(Rag::Green, ""),
        Err(MetricError::OverrideWithoutReason)
    ));
    // per-metric tolerances are data
    let mut policy = RagPolicy::default();
    policy.amber_by_metric.insert(
        "non-elective admissions (general and acute)".to_string(),
        Tolerance::Relative(d("0.04")),
    );
    let report = RagReport::from_published(&in_year, &policy, &BTreeMap::new()).unwrap();
    assert_eq!(report.rows[3].assessment.computed, Rag::Red);
}

#[test]
fn bad_published_rows_name_line_column_and_value() {
    let text = "metric,unit,polarity,t,a,rag,detail\nm,u,lower is better,1,2,G,\nn,u,sideways,1,2,G,\n";
    let e = read_published_metrics("m.csv", text, "t", "a").unwrap_err();
    assert_eq!(
        (
            e[0].file.as_str(),
            e[0].line,
            e[0].column.as_deref(),
            e[0].value.as_deref()
        ),
        ("m.csv", Some(3), Some("polarity"), Some("sideways"))
    );
    assert!(e.to_string().contains("m.csv:line 3, column polarity"));
}

#[test]
fn risk_scores_and_bands() {
    let bands = RiskBands::default();
    let bcf10 = RiskScore::new(3, 4).unwrap();
    assert_eq!(bcf10.score(), 12);
    assert_eq!(bcf10.to_string(), "3 x 4 = 12");
    assert_eq!(bands.rating(12), RiskRating::High);
    assert_eq!(bands.rating(9), RiskRating::High);
    assert_eq!(bands.rating(4), RiskRating::Medium);
    assert_eq!(bands.rating(6), RiskRating::Medium);
    assert!(matches!(
        RiskScore::new(6, 1),
        Err(RiskError::OutOfScale {
            what: "likelihood",
            value: 6
        })
    ));
}

#[test]
fn leicestershire_register_2017() {
    let register = leicestershire::risk_register_2017().unwrap();
    assert_eq!(register.len(), 10);
    let bcf10 = register.iter().find(|r| r.risk.reference == "BCF10").unwrap();
    assert_eq!(bcf10.risk.inherent.score(), 12);
    assert_eq!(bcf10.printed_inherent_rating, RiskRating::High);
    assert_eq!(bcf10.risk.residual.score(), 12);
    assert_eq!(bcf10.risk.trend, Trend::Static);
    let bcf8 = register.iter().find(|r| r.risk.reference == "BCF8").unwrap();
    assert_eq!(bcf8.risk.inherent_rating(&RiskBands::default()), RiskRating::Medium); // 2 x 2 = 4
    assert_eq!(bcf8.risk.residual_rating(&RiskBands::default()), RiskRating::Low); // 1 x 2 = 2
    assert_eq!(bcf8.risk.trend, Trend::Reducing);
    assert_eq!(bcf10.risk.raised, "2017-07".parse().unwrap());
    // every printed score and rating is reproduced by the default bands
    let bands = RiskBands::default();
    for r in &register {
        assert!(
            r.check(&bands).is_empty(),
            "{}: {:?}",
            r.risk.reference,
            r.check(&bands)
        );
    }
    // other bands disagree with the printed ratings, and say where
    let strict = RiskBands::new(vec![
        RiskBand {
            from_score: 1,
            rating: RiskRating::Low,
        },
        RiskBand {
            from_score: 6,
            rating: RiskRating::Medium,
        },
        RiskBand {
            from_score: 12,
            rating: RiskRating::High,
        },
    ])
    .unwrap();
    let findings: Vec<String> = register
        .iter()
        .flat_map(|r| r.check(&strict))
        .map(|f| f.reference)
        .collect();
    assert_eq!(findings, ["BCF1", "BCF2", "BCF5", "BCF7", "BCF8", "BCF9"]);
}

#[test]
fn register_printed_score_errors_are_found() {
    let text = "ref,summary,inherent_likelihood,inherent_impact,inherent_score,inherent_rating,raised,residual_likelihood,residual_impact,residual_score,trend\nX1,s,3,3,6,Medium,2017-01,2,2,4,reducing\n";
    let r = read_risk_register("r.csv", text).unwrap();
    let findings = r[0].check(&RiskBands::default());
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "inherent score printed 6, computed 3 x 3 = 9",
            "inherent rating printed Medium, bands give High for 9"
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn count_rate_round_trip(count in 0u64..10_000_000, people in 1u64..100_000_000) {
        let pop = Population::new(people).unwrap();
        let r = Rate::from_count(Decimal::from(count), pop).unwrap();
        let back = r.count(pop).unwrap();
        // exact to well within a millionth of a count
        prop_assert!((back - Decimal::from(count)).abs() < d("0.000001"));
        prop_assert_eq!(back.round(), Decimal::from(count));
    }

    #[test]
    fn formula_value_and_numerator_are_inverse(n in 0u64..10_000_000, den in 1u64..10_000_000, kind in 0usize..3) {
        let kinds = [FormulaKind::RatePer100k, FormulaKind::MonthlyRatePer100kOfAnnualCount, FormulaKind::Percentage];
        let k = kinds[kind];
        let v = k.value(Decimal::from(n), Decimal::from(den)).unwrap();
        prop_assert_eq!(k.numerator(v, Decimal::from(den)).unwrap().round(), Decimal::from(n));
    }

    #[test]
    fn rag_is_monotone(target in 1i64..1_000_000, gap in -1_000_000i64..1_000_000, tol in 0i64..100) {
        let rule = RagRule { polarity: Polarity::LowerIsBetter, amber: Tolerance::Relative(Decimal::new(tol, 2)) };
        let t = Decimal::new(target, 2);
        let a = Decimal::new(target + gap, 2);
        let rag = rule.rate(a, t).unwrap();
        // Green iff met; the same figures mirrored under the other polarity rate the same
        prop_assert_eq!(rag == Rag::Green, gap <= 0);
        let mirrored = RagRule { polarity: Polarity::HigherIsBetter, ..rule };
        prop_assert_eq!(mirrored.rate(Decimal::new(target - gap, 2), t).unwrap(), rag);
    }
}

/// Mutation gaps: ratings in words, a zero target with a relative
/// tolerance, and a row whose override disagrees with the printed rating.
#[test]
fn ratings_in_words_and_against_the_print() {
    use bcf_model::metrics::{Polarity, Rag, RagAssessment, RagOverride, RagRow, RagRule, Tolerance};
    assert_eq!([Rag::Red, Rag::Amber, Rag::Green].map(|r| r.letter()), ["R", "A", "G"]);
    assert_eq!(format!("[{:>3}]", Rag::Amber), "[  A]");
    let rule = RagRule {
        polarity: Polarity::LowerIsBetter,
        amber: Tolerance::Relative(d("0.05")),
    };
    assert_eq!(rule.rate(d("1"), Decimal::ZERO).unwrap(), Rag::Red);
    assert_eq!(rule.rate(d("0"), Decimal::ZERO).unwrap(), Rag::Green);
    assert_eq!(rule.rate(d("104"), d("100")).unwrap(), Rag::Amber);
    let assessment = RagAssessment {
        metric: "dtoc".into(),
        actual: d("104"),
        target: d("100"),
        adverse_gap: d("4"),
        computed: Rag::Amber,
        manual: None,
    };
    let row = |a: RagAssessment, printed| RagRow { assessment: a, printed };
    assert!(!row(assessment.clone(), Some(Rag::Amber)).differs_from_printed());
    assert!(row(assessment.clone(), Some(Rag::Red)).differs_from_printed());
    assert!(!row(assessment.clone(), None).differs_from_printed());
    let overridden = assessment.with_override(RagOverride::new(Rag::Red, "winter pressures").unwrap());
    assert!(!row(overridden.clone(), Some(Rag::Red)).differs_from_printed());
    assert!(row(overridden, Some(Rag::Red)).computed_differs_from_printed());
}
