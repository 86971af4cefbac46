//! `JOB_SPEC`: every example of the corpus reads; errors name the line, column and field.

use config_model::parse_job_spec;

#[test]
fn corpus_job_specs() -> Result<(), Box<dyn std::error::Error>> {
    let dir = crate::corpus_dir().join("job-specs");
    let mut names = Vec::new();
    for entry in fs_err::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            names.push(path);
        }
    }
    names.sort();
    let mut summary = Vec::new();
    for path in names {
        let text = fs_err::read_to_string(&path)?;
        let spec = parse_job_spec(&text)?;
        let refs: Vec<String> = spec
            .refs
            .iter()
            .chain(&spec.extra_refs)
            .map(|r| format!("{} pulls={} workdir={}", r.key(), r.pulls.len(), r.workdir))
            .collect();
        summary.push(format!(
            "{}: {} {}",
            path.file_name().unwrap().to_string_lossy(),
            spec.kind,
            refs.join("; ")
        ));
    }
    insta::assert_snapshot!(summary.join("\n"), @"
    multi-repo.json: presubmit openshift.origin pulls=1 workdir=false; openshift.api pulls=1 workdir=false
    path-alias.json: presubmit openshift.kubernetes pulls=1 workdir=false
    periodic.json: periodic openshift.oc pulls=0 workdir=false
    postsubmit.json: postsubmit openshift.cluster-etcd-operator pulls=0 workdir=false
    presubmit-two-prs.json: batch openshift.cluster-etcd-operator pulls=2 workdir=false
    presubmit.json: presubmit openshift.cluster-etcd-operator pulls=1 workdir=false
    rehearsal.json: presubmit openshift.release pulls=1 workdir=false; openshift.must-gather-operator pulls=0 workdir=true
    ");
    Ok(())
}

fn refuse(json: &str) -> String {
    parse_job_spec(json).unwrap_err().to_string()
}

#[test]
fn errors() {
    insta::assert_snapshot!(refuse("{\"type\": \"presubmit\",\n \"refs\": {\"org\": \"o\", \"repo\": \"r\", \"pulls\": [{\"number\": \"12\", \"sha\": \"x\"}]}}"), @r#"invalid JOB_SPEC at line 2 column 60: refs.pulls[0].number: invalid type: string "12", expected u64"#);
    insta::assert_snapshot!(refuse("{\"refs\": {\"org\": \"o\"}}"), @"invalid JOB_SPEC at line 1 column 21: refs: missing field `repo`");
    insta::assert_snapshot!(refuse("{\"type\": "), @"invalid JOB_SPEC at line 1 column 9: type: EOF while parsing a value");
    insta::assert_snapshot!(refuse("[]"), @"invalid JOB_SPEC at line 1 column 1: expected a JSON object (`{...}`)");
    insta::assert_snapshot!(refuse("{} x"), @"invalid JOB_SPEC at line 1 column 4: trailing characters");
    insta::assert_snapshot!(refuse("{\"refs\": {\"org\": \"o\", \"repo\": \"r\", \"base_sha\": \"main\"}}"), @"invalid JOB_SPEC: refs.base_sha: `main` is not a commit SHA: write the full 40 (or 64) hexadecimal digits");
    insta::assert_snapshot!(refuse("{\"extra_refs\": [{\"org\": \"o\", \"repo\": \"r\", \"pulls\": [{\"number\": 1, \"sha\": \"abc123\"}]}]}"), @"invalid JOB_SPEC: extra_refs[0].pulls[0].sha: `abc123` is not a commit SHA: write the full 40 (or 64) hexadecimal digits");
}

#[test]
fn refs_may_be_absent() {
    let spec =
        parse_job_spec("{\"type\": \"periodic\", \"job\": \"j\", \"buildid\": \"1\"}").unwrap();
    assert!(spec.refs.is_none() && spec.extra_refs.is_empty());
}
