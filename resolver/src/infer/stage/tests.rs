//! Tests of the stage rule.

use config_model::StageRef;

use super::*;

fn dockerfile(text: &str) -> Dockerfile {
    Dockerfile::parse(text).unwrap()
}

fn chosen(text: &str, requested: Option<StageRef>) -> String {
    match choose_stage(&dockerfile(text), requested.as_ref()) {
        Ok((i, why)) => format!("{i} {why}"),
        Err(problem) => problem.to_string(),
    }
}

#[test]
fn stage_choice() {
    let three = "FROM a AS one\nFROM b AS two\nFROM c\nCOPY --from=two / /\nCOPY --from=one / /\n";
    assert_eq!(chosen(three, None), "0 copied_by_final_stage");
    assert_eq!(
        chosen(
            "FROM a AS one\nFROM b AS two\nFROM c\nCOPY --from=two / /\n",
            None
        ),
        "1 copied_by_final_stage"
    );
    assert_eq!(chosen("FROM a\nFROM b\n", None), "0 first_stage");
    assert_eq!(chosen("FROM a\n", None), "0 first_stage");
    // A copy from a later stage or from itself is not an earlier stage.
    assert_eq!(
        chosen(
            "FROM a\nFROM b AS me\nCOPY --from=me / /\nCOPY --from=1 / /\n",
            None
        ),
        "0 first_stage"
    );
    assert_eq!(
        chosen(three, Some(StageRef::Name("TWO".to_owned()))),
        "1 from_dockerfile.stage"
    );
    assert_eq!(
        chosen(three, Some(StageRef::Name("2".to_owned()))),
        "2 from_dockerfile.stage"
    );
    assert_eq!(
        chosen(three, Some(StageRef::Index(2))),
        "2 from_dockerfile.stage"
    );
    assert!(chosen(three, Some(StageRef::Index(3))).starts_with("no stage `3`"));
    assert!(chosen(three, Some(StageRef::Name("nope".to_owned()))).starts_with("no stage `nope`"));
}
