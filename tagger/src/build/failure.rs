//! A root build that ended without an image: what the Build said, and the end of its log.
//!
//! A leaf (no imports from the crate): the crate's error type holds it.

use std::fmt;

/// How many log lines a failure quotes.
pub const LOG_TAIL_LINES: usize = 20;

/// A Build that ended `Failed`, `Error` or `Cancelled`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildFailure {
    /// The job namespace.
    pub namespace: String,
    /// The Build (`<key>-<n>`).
    pub build: String,
    /// `Failed`, `Error` or `Cancelled`.
    pub phase: String,
    /// The Build's `status.reason` (`DockerBuildFailed`), possibly empty.
    pub reason: String,
    /// The Build's `status.message`, possibly empty.
    pub message: String,
    /// The last lines of its log (at most [`LOG_TAIL_LINES`]); empty when there was none.
    pub log_tail: Vec<String>,
    /// Why the log could not be read, when it could not.
    pub log_problem: Option<String>,
}

impl BuildFailure {
    /// Keeps the last [`LOG_TAIL_LINES`] non-empty-ended lines of `log`.
    pub fn tail_of(log: &str) -> Vec<String> {
        let lines: Vec<&str> = log.trim_end_matches(['\n', '\r']).lines().collect();
        let start = lines.len().saturating_sub(LOG_TAIL_LINES);
        if lines.len() == 1 && lines[0].is_empty() {
            return Vec::new();
        }
        lines[start..]
            .iter()
            .map(|l| l.trim_end_matches('\r').to_owned())
            .collect()
    }
}

impl fmt::Display for BuildFailure {
    /// ```text
    /// build root-0123-1 in namespace ci-op-1234 ended Failed (DockerBuildFailed): Docker build strategy has failed.
    /// last 2 lines of its log:
    ///   | STEP 3/4: RUN make
    ///   | make: *** [all] Error 2
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "build {} in namespace {} ended {}",
            self.build, self.namespace, self.phase
        )?;
        if !self.reason.is_empty() {
            write!(f, " ({})", self.reason)?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        match (&self.log_problem, self.log_tail.len()) {
            (Some(problem), 0) => write!(f, "\nits log could not be read: {problem}")?,
            (None, 0) => f.write_str("\nits log is empty")?,
            (_, n) => {
                let plural = if n == 1 { "" } else { "s" };
                write!(f, "\nlast {n} line{plural} of its log:")?;
                for line in &self.log_tail {
                    write!(f, "\n  | {line}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::BuildFailure;

    #[test]
    fn tail_keeps_the_last_twenty_lines() {
        let log: String = (1..=30).map(|n| format!("line {n}\n")).collect();
        let tail = BuildFailure::tail_of(&log);
        assert_eq!(tail.len(), 20);
        assert_eq!(tail[0], "line 11");
        assert_eq!(tail[19], "line 30");
        assert!(BuildFailure::tail_of("").is_empty());
        assert_eq!(BuildFailure::tail_of("a\r\nb"), vec!["a", "b"]);
    }
}
