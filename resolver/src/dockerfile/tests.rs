//! Tests of the Dockerfile reader.

use super::*;

/// A one-line-per-item summary of what the reader keeps.
fn summary(text: &str) -> String {
    let dockerfile = match Dockerfile::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let at =
                e.at.map(|a| a.to_string())
                    .unwrap_or_else(|| "?".to_owned());
            return format!("error {at}: {}", e.message);
        }
    };
    let mut out = Vec::new();
    if dockerfile.escape != '\\' {
        out.push(format!("escape {}", dockerfile.escape));
    }
    for arg in &dockerfile.global_args {
        match &arg.default {
            Some(d) => out.push(format!("ARG {}={d}", arg.name)),
            None => out.push(format!("ARG {}", arg.name)),
        }
    }
    for (i, stage) in dockerfile.stages.iter().enumerate() {
        let mut line = format!("{i} {}: FROM {}", stage.from.at, stage.from.text);
        if let Some(name) = &stage.name {
            line.push_str(&format!(" AS {name}"));
        }
        for copy in &stage.copies_from {
            line.push_str(&format!(" | --from={} {}", copy.text, copy.at));
        }
        out.push(line);
    }
    if let Some(recovered) = &dockerfile.recovered {
        let at = recovered.at.map(|a| a.to_string()).unwrap_or_default();
        out.push(format!("recovered from {at}: {}", recovered.message));
    }
    out.join("\n")
}

fn check(text: &str, expected: &str) {
    assert_eq!(summary(text), expected, "reading:\n{text}");
}

#[test]
fn multi_stage_with_args_and_platform() {
    check(
        "# syntax=docker/dockerfile:1\n\
         ARG GO=1.22\n\
         ARG BASE\n\
         FROM --platform=$BUILDPLATFORM registry.ci.openshift.org/ocp/builder:golang-${GO:-1.21} AS builder\n\
         RUN make\n\
         from ${BASE} as final\n\
         COPY --from=builder /a /b\n\
         COPY --from=quay.io/openshift/origin-cli:4.17 /oc /oc\n",
        "ARG GO=1.22\n\
         ARG BASE\n\
         0 4:32: FROM registry.ci.openshift.org/ocp/builder:golang-${GO:-1.21} AS builder\n\
         1 6:6: FROM ${BASE} AS final | --from=builder 7:13 | --from=quay.io/openshift/origin-cli:4.17 8:13",
    );
}

#[test]
fn several_args_in_one_instruction() {
    check(
        "ARG A=1 B=\"two words\" C\nFROM x\n",
        "ARG A=1\nARG B=\"two words\"\nARG C\n0 2:6: FROM x",
    );
}

#[test]
fn comments_and_continuations() {
    check(
        "FROM \\\n  # a comment inside the continuation\n  registry.ci.openshift.org/a/b:c \\\n  AS b\n\nRUN echo \\\n\n  done\nFROM scratch\nCOPY --from=0 / /\n",
        "0 3:3: FROM registry.ci.openshift.org/a/b:c AS b\n1 9:6: FROM scratch | --from=0 10:13",
    );
}

#[test]
fn escape_directive() {
    check(
        "# escape=`\nFROM registry.ci.openshift.org/a/b:c AS x\nRUN dir `\n  c:\\\nFROM x\n",
        "escape `\n0 2:6: FROM registry.ci.openshift.org/a/b:c AS x\n1 5:6: FROM x",
    );
}

#[test]
fn heredocs_do_not_make_stages() {
    check(
        "FROM a AS one\nRUN <<EOF\nFROM evil\nEOF\nCOPY <<-END /x\n\tFROM evil too\n\tEND\nFROM b\nCOPY --from=one / /\n",
        "0 1:6: FROM a AS one\n1 8:6: FROM b | --from=one 9:13",
    );
}

#[test]
fn onbuild_copy_is_not_a_stage_copy() {
    check(
        "FROM a AS one\nFROM b\nONBUILD COPY --from=one / /\n",
        "0 1:6: FROM a AS one\n1 2:6: FROM b",
    );
}

#[test]
fn lowercase_and_mixed_case() {
    check(
        "from a As x\ncopy --from=x / /\n",
        "0 1:6: FROM a AS x | --from=x 2:13",
    );
}

#[test]
fn columns_count_characters() {
    check("FROM --platform=é a\n", "0 1:19: FROM a");
}

#[test]
fn byte_order_mark() {
    check("\u{feff}FROM a\n", "0 1:6: FROM a");
}

#[test]
fn no_final_newline() {
    check("FROM a", "0 1:6: FROM a");
}

#[test]
fn entrypoint_empty_array_is_ignored_with_lines_kept() {
    check(
        "FROM registry.ci.openshift.org/a/b:c AS builder\nRUN make\nFROM d\nCOPY --from=builder / /\nENTRYPOINT []\nCMD [\"x\"]\nFROM e\n",
        "0 1:6: FROM registry.ci.openshift.org/a/b:c AS builder\n\
         1 3:6: FROM d | --from=builder 4:13\n\
         2 7:6: FROM e\n\
         recovered from 5:1: ENTRYPOINT instruction requires at least one argument",
    );
}

#[test]
fn recovery_blanks_heredocs_and_continuations_of_broken_instructions() {
    // The bad instruction spans continuation lines; a later heredoc holds a `FROM`.
    check(
        "FROM a AS one\nENTRYPOINT \\\n  []\nRUN <<EOF\nFROM evil\nEOF\nHEALTHCHECK\nFROM b\nCOPY --from=one / /\n",
        "0 1:6: FROM a AS one\n1 8:6: FROM b | --from=one 9:13\nrecovered from 2:1: ENTRYPOINT instruction requires at least one argument",
    );
}

#[test]
fn errors_in_instructions_we_read_are_reported() {
    check(
        "FROM\n",
        "error 1:1: FROM instruction requires at least one argument",
    );
    check(
        "FROM a\nENTRYPOINT []\nFROM b c\n",
        "error 3:8: expected AS",
    );
    check("RUN x\n", "error ?: expected at least one FROM instruction");
    check(
        "# only a comment\n",
        "error ?: expected at least one FROM instruction",
    );
    check(
        "FROM a AS x\nFROM b AS X\nFROM c AS x\n",
        "error 3:11: duplicate stage name 'x'",
    );
}

#[test]
fn stage_names_ignore_case() {
    let dockerfile = Dockerfile::parse("FROM a AS Builder\nFROM b\n").unwrap();
    assert_eq!(dockerfile.stage_named("builder"), Some(0));
    assert_eq!(dockerfile.stage_named("BUILDER"), Some(0));
    assert_eq!(dockerfile.stage_named("other"), None);
}

#[test]
fn hundred_thousand_stages() {
    let mut text =
        String::from("ARG BASE=registry.ci.openshift.org/ocp/builder:x\nFROM $BASE AS s0\n");
    for i in 1..100_000 {
        text.push_str(&format!(
            "FROM s{} AS s{i}\nCOPY --from=s{} / /\n",
            i - 1,
            i - 1
        ));
    }
    let dockerfile = Dockerfile::parse(&text).unwrap();
    assert_eq!(dockerfile.stages.len(), 100_000);
    assert_eq!(dockerfile.stage_named("s99999"), Some(99_999));
    // The same with a malformed instruction in every stage, read through the fallback.
    let broken = text.replace("COPY --from", "ENTRYPOINT []\nCOPY --from");
    let dockerfile = Dockerfile::parse(&broken).unwrap();
    assert_eq!(dockerfile.stages.len(), 100_000);
    assert!(dockerfile.recovered.is_some());
}

#[test]
fn heredoc_delimiter_forms() {
    assert_eq!(
        heredoc_delimiters("RUN <<EOF <<-'TWO' <<\"three\" x<<4"),
        vec![
            ("EOF".to_owned(), false),
            ("TWO".to_owned(), true),
            ("three".to_owned(), false),
        ]
    );
}

/// Every Dockerfile of the corpus reads (three of them need the fallback: `ENTRYPOINT []`).
#[test]
fn every_corpus_dockerfile_reads() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in fs_err::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.file_name().is_some_and(|n| n != ".ci-operator.yaml") {
                out.push(path);
            }
        }
    }
    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/cases");
    let mut files = Vec::new();
    for case in fs_err::read_dir(&cases).unwrap() {
        let repo = case.unwrap().path().join("repo");
        if repo.is_dir() {
            walk(&repo, &mut files);
        }
    }
    assert!(files.len() >= 70, "found {} Dockerfiles", files.len());
    let mut recovered = 0;
    for file in &files {
        let text = fs_err::read_to_string(file).unwrap();
        match Dockerfile::parse(&text) {
            Ok(d) => recovered += usize::from(d.recovered.is_some()),
            Err(e) => panic!("{}: {e:?}", file.display()),
        }
    }
    assert_eq!(recovered, 3, "files read through the fallback");
}
