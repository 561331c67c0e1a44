//! The JSON reader's fast path reads what the reference reader (serde_json
//! alone) reads: the same plan, or the same errors, on written plans laid
//! out every way JSON allows, on hand edits of the published plan, and on
//! plans with random edits.

use bcf_model::data::leicestershire;
use bcf_model::io::json::{read_plan_json, read_plan_json_reference, write_plan_json};
use bcf_model::plan::Plan;
use bcf_model::strategies::{balanced_plan, printed_plan, PlanShape};
use proptest::prelude::*;
use serde_json::Value;

/// Both readers on `text`: equal results, plan or errors.
fn same(text: &str) -> Result<(), TestCaseError> {
    let fast = read_plan_json("p.json", text);
    let reference = read_plan_json_reference("p.json", text);
    prop_assert_eq!(fast, reference, "{}", text);
    Ok(())
}

/// A written plan laid out other ways with the same content: compact with
/// the keys sorted (the lines then come before the ids they name, and a
/// line's amounts before its programme), indented with the keys sorted,
/// with CRLF line ends and tabs, and with white space around every colon.
fn layouts(text: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(text).expect("a written plan is JSON");
    vec![
        serde_json::to_string(&value).expect("writes"),
        serde_json::to_string_pretty(&value).expect("writes"),
        text.replace('\n', "\r\n").replace("  ", "\t"),
        text.replace("\": ", "\"\n :\t"),
    ]
}

fn written(plan: &Plan) -> String {
    write_plan_json(plan).expect("a plan writes")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_layout_of_a_written_plan_reads_as_the_plan(plan in balanced_plan(PlanShape::default())) {
        for text in layouts(&written(&plan)) {
            same(&text)?;
            prop_assert_eq!(read_plan_json("p.json", &text).ok(), Some(plan.clone()), "{}", text);
        }
    }

    #[test]
    fn printed_plans_in_every_layout_read_as_the_reference_reads_them(
        (_, printed) in printed_plan(PlanShape::default()),
    ) {
        for text in layouts(&written(&printed)) {
            same(&text)?;
            prop_assert_eq!(read_plan_json("p.json", &text).ok(), Some(printed.clone()), "{}", text);
        }
    }

    /// Random edits of a written plan: a byte of JSON's own (quotes,
    /// brackets, escapes, signs, digits, a control character) put in,
    /// taken out or put in place of another.
    #[test]
    fn edited_plans_read_as_the_reference_reads_them(
        plan in balanced_plan(PlanShape { max_lines: 4, ..PlanShape::default() }),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<prop::sample::Index>()), 1..4),
    ) {
        const BYTES: &[u8] = b"\"\\{}[],: \n\t\r0-.1aeulnx\x01";
        let mut bytes = written(&plan).into_bytes();
        for (at, op, byte) in edits {
            let at = at.index(bytes.len());
            let b = *byte.get(BYTES);
            match op {
                0 => bytes.insert(at, b),
                1 => {
                    bytes.remove(at);
                }
                _ => bytes[at] = b,
            }
        }
        same(&String::from_utf8_lossy(&bytes))?;
    }
}

/// Hand edits of the published plan, each something the fast path reads
/// itself, hands to serde_json, or gives up on: both readers agree.
#[test]
fn hand_edits_of_the_published_plan_read_as_the_reference_reads_them() {
    let plan = leicestershire::expenditure_plan().expect("embedded plan").plan;
    let text = written(&plan);
    let first_line = text.find("\"lines\": [").expect("lines");
    let mut edits: Vec<(&str, &str)> = vec![
        // Escapes: in a line's name (decoded), an id and an amount (given up).
        ("\"name\": \"First Contact Plus\"", "\"name\": \"First \\\"Contact\\\" \\u00a3 Plus\""),
        ("\"contributor\": \"wl_ccg\"", "\"contributor\": \"wl\\u005fccg\""),
        ("\"amount\": \"93600\"", "\"amount\": \"9360\\u0030\""),
        // Amounts written other ways, and not as strings.
        ("\"amount\": \"93600\"", "\"amount\": \"£93,600.00\""),
        ("\"amount\": \"93600\"", "\"amount\": \"(93600)\""),
        ("\"amount\": \"93600\"", "\"amount\": \"-93600\""),
        ("\"amount\": \"93600\"", "\"amount\": \"93600.05\""),
        ("\"amount\": \"93600\"", "\"amount\": 93600"),
        ("\"amount\": \"93600\"", "\"amount\": \"\""),
        ("\"amount\": \"93600\"", "\"amount\": \"99999999999999999999999999999999\""),
        // Own precisions.
        ("\"amount\": \"93600\"", "\"amount\": \"93600\", \"precision\": null"),
        (
            "\"amount\": \"93600\"",
            "\"amount\": \"93600\", \"precision\": { \"unit\": \"Pounds\", \"decimals\": 0 }",
        ),
        ("\"amount\": \"93600\"", "\"amount\": \"93600\", \"precision\": 3"),
        // Fields repeated, unknown, missing, misspelt, or in another order.
        ("\"year\": \"2017/18\",", "\"year\": \"2017/18\", \"year\": \"2017/18\","),
        ("\"funding\": \"nhs_minimum\",", "\"fundin\": \"nhs_minimum\","),
        ("\"funding\": \"nhs_minimum\",", ""),
        (
            "\"contributor\": \"wl_ccg\",\n          \"year\": \"2017/18\",",
            "\"year\": \"2017/18\", \"contributor\": \"wl_ccg\",",
        ),
        ("\"id\": \"BCF1.1\",", "\"id\": \"BCF1.1\", \"id\": \"BCF1.1\","),
        ("\"programme\": \"BCF1\",", ""),
        ("\"programme\": \"BCF1\",", "\"programme\": \"BCF99\","),
        ("\"id\": \"BCF1.1\",", "\"id\": \"BCF1.2\","),
        ("\"name\": \"First Contact Plus\",", "\"name\": \"First Contact Plus\", \"colour\": \"red\","),
        // An amount laid out otherwise than the others.
        ("\"year\": \"2018/19\",\n", "\"year\" : \"2018/19\" ,\n\t"),
        ("\"amount\": \"0\"\n        }", "\"amount\": \"0\"}"),
        ("\"amount\": \"0\"\n        }", "\"amount\": \"0\\\"\"\n        }"),
        ("\"amount\": \"0\"\n        }", "\"amount\": \"0\", \"amount\": \"0\"\n        }"),
        ("\"amount\": \"0\"\n        }", "\"amount\": \"0\", \"precision\": null\n        }"),
        ("\"funding\": \"ibcf\",", "\"funding\": \"ibcf\", \"year\": \"2018/19\","),
        // Attributes, good and bad.
        ("\"name\": \"First Contact Plus\",", "\"name\": \"First Contact Plus\", \"attributes\": {},"),
        (
            "\"name\": \"First Contact Plus\",",
            "\"name\": \"First Contact Plus\", \"attributes\": { \"commissioner\": { \"Joint\": { \"nhs_percent\": \"60\", \"la_percent\": \"40\" } } },",
        ),
        (
            "\"name\": \"First Contact Plus\",",
            "\"name\": \"First Contact Plus\", \"attributes\": { \"commissioner\": { \"Joint\": { \"nhs_percent\": \"60\", \"la_percent\": \"50\" } } },",
        ),
        ("\"name\": \"First Contact Plus\",", "\"name\": \"First Contact Plus\", \"attributes\": null,"),
        // Years, ids and years of another plan.
        ("\"year\": \"2017/18\",", "\"year\": \"2017-2018\","),
        ("\"year\": \"2017/18\",", "\"year\": \" 2017/18 \","),
        ("\"year\": \"2017/18\",", "\"year\": \"2019/20\","),
        ("\"year\": \"2017/18\",", "\"year\": 2017,"),
        ("\"contributor\": \"wl_ccg\"", "\"contributor\": \"nobody\""),
        ("\"funding\": \"nhs_minimum\"", "\"funding\": \"ibcf\""),
        // Structure: trailing commas, empty lists and objects, control
        // characters, values of the wrong type, text after the document.
        ("\"amount\": \"93600\"\n        }", "\"amount\": \"93600\",\n        }"),
        ("\"amounts\": [", "\"amounts\": [],\"x\": ["),
        ("\"name\": \"First Contact Plus\"", "\"name\": \"First\u{1}Contact Plus\""),
        ("\"name\": \"First Contact Plus\"", "\"name\": [\"First Contact Plus\"]"),
        ("\"name\": \"First Contact Plus\"", "\"name\": \"First Contact Plus"),
        ("\"format\": \"bcf-model/plan@1\"", "\"format\": \"bcf-model/plan@2\""),
        ("\"format\": \"bcf-model/plan@1\",", ""),
    ];
    // The lines first, and the plan's precision after them.
    let precision = "\"input_precision\": {\n    \"unit\": \"Thousands\",\n    \"decimals\": 1\n  },\n  ";
    let moved = text.replacen(precision, "", 1).replacen(
        "\"contingency\": [",
        "\"input_precision\": { \"unit\": \"Thousands\", \"decimals\": 1 },\n  \"contingency\": [",
        1,
    );
    assert!(text.contains(precision) && moved.find("input_precision") > moved.find("\"lines\""));
    let half = (0..=text.len() / 2)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .expect("a boundary");
    let mut texts: Vec<String> = vec![
        text.clone(),
        format!("\u{feff}  \n{text}  \n"),
        format!("{text}x"),
        format!("{text}{{}}"),
        text.replace("\"lines\": [", "\"lines\": [], \"x\": ["),
        format!("{{ \"lines\": [], {}", &text[1..]),
        format!(
            "{{ {},{}}}",
            &text[first_line..text.len() - 3],
            text[1..first_line].trim_end().trim_end_matches(',')
        ),
        moved,
        text[..half].to_string(),
        "{}".to_string(),
        "{ \"lines\": [] }".to_string(),
    ];
    // Each edit at the first place it can be made, where the reader learns
    // how amounts are written, and at the last, long after it has.
    for (from, to) in edits.drain(..) {
        let last = text.rfind(from).expect(from);
        texts.push(text.replacen(from, to, 1));
        texts.push(format!("{}{to}{}", &text[..last], &text[last + from.len()..]));
    }
    for t in &texts {
        same(t).unwrap();
    }
    // The edits that keep a valid plan are read by both.
    let read = texts.iter().filter(|t| read_plan_json("p.json", t).is_ok()).count();
    assert!(read >= 12, "{read} of {} read", texts.len());
}
