//! `-o junit`: the report as a JUnit XML document, for Prow's result views (Spyglass reads
//! `junit*.xml` artifacts).
//!
//! One testcase per audited build root, named by its config and build root, classed by
//! `org/repo`; a verdict other than `ok` is a `<failure>` whose `type` is the verdict. With
//! `--candidates`, a second suite holds one testcase per candidate, `<skipped>` when it cannot
//! switch. The document is written by hand: it is a handful of elements, and every text goes
//! through [`escape`], which also drops the characters XML 1.0 cannot hold at all.

use std::fmt::Write as _;

use super::report::{Report, Subject, Verdict, located};

/// The report as JUnit XML.
pub(crate) fn render(report: &Report) -> String {
    let failures = report
        .configs
        .iter()
        .filter(|f| f.verdict != Verdict::Ok)
        .count();
    let candidates = report.candidates.as_deref().unwrap_or_default();
    let tests = report.configs.len() + candidates.len();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"ci-operator audit\" tests=\"{tests}\" failures=\"{failures}\">"
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"audit\" tests=\"{}\" failures=\"{failures}\">",
        report.configs.len()
    );
    for finding in &report.configs {
        let subject = &finding.subject;
        open_testcase(&mut xml, subject);
        if finding.verdict == Verdict::Ok {
            if finding.warnings.is_empty() {
                xml.push_str("/>\n");
            } else {
                let warnings: Vec<String> = finding
                    .warnings
                    .iter()
                    .map(|w| format!("warning: {w}"))
                    .collect();
                let _ = writeln!(
                    xml,
                    ">\n      <system-out>{}</system-out>\n    </testcase>",
                    escape(&warnings.join("\n"))
                );
            }
            continue;
        }
        let message = format!(
            "{}{}",
            located(finding.file.as_deref(), finding.line),
            finding.reason
        );
        let mut body = format!("{}: {message}", finding.verdict);
        if let Some(repository) = &subject.repository {
            let _ = write!(body, "\nrepository: {repository}");
        }
        if let Some(branch) = &subject.branch {
            let _ = write!(body, "\nbranch: {branch}");
        }
        if let Some(revision) = &subject.revision {
            let _ = write!(body, "\nrevision: {revision}");
        }
        for warning in &finding.warnings {
            let _ = write!(body, "\nwarning: {warning}");
        }
        let _ = write!(
            xml,
            ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
            finding.verdict,
            escape(&message),
            escape(&body)
        );
    }
    xml.push_str("  </testsuite>\n");
    if report.candidates.is_some() {
        let skipped = candidates.iter().filter(|c| !c.could_switch).count();
        let _ = writeln!(
            xml,
            "  <testsuite name=\"candidates\" tests=\"{}\" failures=\"0\" skipped=\"{skipped}\">",
            candidates.len()
        );
        for candidate in candidates {
            open_testcase(&mut xml, &candidate.subject);
            let message = format!(
                "{}{}",
                located(candidate.file.as_deref(), candidate.line),
                candidate.reason
            );
            if candidate.could_switch {
                let _ = writeln!(
                    xml,
                    ">\n      <system-out>{}</system-out>\n    </testcase>",
                    escape(&message)
                );
            } else {
                let _ = writeln!(
                    xml,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    escape(&message)
                );
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn class_name(org: Option<&str>, repo: Option<&str>) -> String {
    match (org, repo) {
        (Some(org), Some(repo)) => format!("{org}/{repo}"),
        _ => "unknown".to_owned(),
    }
}

/// Text for an XML attribute or element: the five special characters as entities, other
/// control characters as character references when XML allows them and dropped when it does
/// not (NUL and most C0 controls cannot appear in XML 1.0 at all, even escaped).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `<testcase classname="org.repo" name="CONFIG BUILD_ROOT"`, left open for its end or body.
fn open_testcase(xml: &mut String, subject: &Subject) {
    let name = format!("{} {}", subject.config, subject.build_root);
    let _ = write!(
        xml,
        "    <testcase classname=\"{}\" name=\"{}\"",
        escape(&class_name(subject.org.as_deref(), subject.repo.as_deref())),
        escape(&name)
    );
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape("a<b>&\"c\"'d'\n\u{0}\u{1b}[31m"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;[31m"
        );
        assert_eq!(escape("plain: ok"), "plain: ok");
    }
}
