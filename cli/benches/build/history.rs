//! The generated history: which pull requests change what and when they are tested
//! ([`Schedule`], deterministic), and the repository written from it with `git fast-import`,
//! cached under the target directory.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use testkit::git::{EPOCH, FastImport, git};

pub(crate) const MAIN_COMMITS: usize = 330;
pub(crate) const PULL_REQUESTS: usize = 220;
/// Percent of pull requests that change the root's Dockerfile, and the copied script.
const DOCKERFILE_PERCENT: usize = 4;
const SCRIPT_PERCENT: usize = 4;
pub(crate) const GO_MOD_BUMPS: usize = 4;
pub(crate) const BASE_IMAGE_BUMPS: usize = 3;
const PACKAGES: usize = 60;
const FILES_PER_PACKAGE: usize = 25;
/// Bump when the generator changes, so the cached repository is rebuilt.
const GENERATION: &str = "v1";

pub(crate) const DOCKERFILE: &str = "images/build-root/Dockerfile";
pub(crate) const SCRIPT: &str = "hack/install-tools.sh";
pub(crate) const BASE: &str = "openshift/release:rhel-9-release-golang-1.22-openshift-4.17";

/// A deterministic generator (xorshift64*).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// A source file of 600 to 3 000 bytes.
    fn source_file(&mut self) -> Vec<u8> {
        let len = 600 + self.below(2_400);
        self.text(len)
    }

    /// `len` bytes of text that compresses about as well as source code does.
    fn text(&mut self, len: usize) -> Vec<u8> {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz_(){}.:= \t0123456789ABCDEFGHIJKLMNOP";
        (0..len)
            .map(|i| {
                if i % 64 == 63 {
                    b'\n'
                } else {
                    ALPHABET[self.below(ALPHABET.len())]
                }
            })
            .collect()
    }
}

/// Which revision of a pull request's change to one of the root's inputs a push carries.
pub(crate) type Change = Option<(usize, usize)>;

/// One push of a pull request: when, the root inputs it changes, and when it is tested.
pub(crate) struct Push {
    pub(crate) at: usize,
    pub(crate) dockerfile: Change,
    pub(crate) script: Change,
    pub(crate) tested_at: Vec<usize>,
}

/// A pull request: the `main` commit it forks from and its pushes.
pub(crate) struct PullRequest {
    pub(crate) fork: usize,
    pub(crate) pushes: Vec<Push>,
}

/// The history: pull requests, and when `go.mod` and the base image change.
pub(crate) struct Schedule {
    pub(crate) pulls: Vec<PullRequest>,
    pub(crate) go_mod_bumps: Vec<usize>,
    pub(crate) base_bumps: Vec<usize>,
}

/// One job: `main`'s tip at `at`, merged with push `push` of pull request `pull`.
#[derive(Clone, Copy)]
pub(crate) struct Job {
    pub(crate) at: usize,
    pub(crate) pull: usize,
    pub(crate) push: usize,
}

impl Schedule {
    pub(crate) fn generate() -> Schedule {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let last = MAIN_COMMITS - 1;
        let mut pulls = Vec::new();
        for number in 0..PULL_REQUESTS {
            let fork = (number * (MAIN_COMMITS - 40) / PULL_REQUESTS + random.below(4)).min(last);
            let kind = random.below(100);
            let pushes = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4];
            let count = pushes[random.below(pushes.len())];
            let (mut at, mut revision) = (fork, 0);
            let mut list = Vec::new();
            for index in 0..count {
                if index > 0 {
                    at = (at + 1 + random.below(8)).min(last);
                    revision += random.below(2);
                }
                let change = Some((number, revision));
                let retests = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2];
                let mut tested_at = vec![at];
                for _ in 0..retests[random.below(retests.len())] {
                    tested_at.push((at + random.below(16)).min(last));
                }
                list.push(Push {
                    at,
                    dockerfile: change.filter(|_| kind < DOCKERFILE_PERCENT),
                    script: change.filter(|_| {
                        (DOCKERFILE_PERCENT..DOCKERFILE_PERCENT + SCRIPT_PERCENT).contains(&kind)
                    }),
                    tested_at,
                });
            }
            pulls.push(PullRequest { fork, pushes: list });
        }
        let mut go_mod_bumps: Vec<usize> =
            (0..GO_MOD_BUMPS).map(|_| 1 + random.below(last)).collect();
        go_mod_bumps.sort_unstable();
        let base_bumps = (1..=BASE_IMAGE_BUMPS)
            .map(|n| n * MAIN_COMMITS / (BASE_IMAGE_BUMPS + 1))
            .collect();
        Schedule {
            pulls,
            go_mod_bumps,
            base_bumps,
        }
    }

    /// Every job, in time order.
    pub(crate) fn jobs(&self) -> Vec<Job> {
        let mut jobs: Vec<Job> = self
            .pulls
            .iter()
            .enumerate()
            .flat_map(|(pull, pr)| {
                pr.pushes.iter().enumerate().flat_map(move |(push, p)| {
                    p.tested_at.iter().map(move |&at| Job { at, pull, push })
                })
            })
            .collect();
        jobs.sort_by_key(|job| (job.at, job.pull, job.push));
        jobs
    }

    /// How many `go.mod` bumps `main` has at commit `at`.
    pub(crate) fn go_mod_version(&self, at: usize) -> usize {
        self.go_mod_bumps.iter().filter(|&&bump| bump <= at).count()
    }

    /// How many times the base image has moved by the time of commit `at`.
    pub(crate) fn base_version(&self, at: usize) -> usize {
        self.base_bumps.iter().filter(|&&bump| bump <= at).count()
    }
}

pub(crate) fn dockerfile_text(change: Change) -> String {
    let mut text = format!(
        "FROM registry.ci.openshift.org/{BASE}\nCOPY go.mod hack/install-tools.sh /src/\nRUN cd /src && ./install-tools.sh\n"
    );
    if let Some((pull, revision)) = change {
        text.push_str(&format!("ENV TOOLS_FLAVOUR=pr{pull}-r{revision}\n"));
    }
    text
}

pub(crate) fn script_text(change: Change) -> String {
    let mut text =
        "#!/bin/sh\nset -eu\ngo install golang.org/x/tools/cmd/goimports@v0.24.0\n".to_owned();
    if let Some((pull, revision)) = change {
        text.push_str(&format!(
            "go install example.com/tool{pull}@v0.{revision}.0\n"
        ));
    }
    text
}

pub(crate) fn go_mod_text(version: usize) -> String {
    format!(
        "module example.com/go-service\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.{version}\n\tk8s.io/client-go v0.30.{}\n)\n",
        version * 2
    )
}

pub(crate) fn digest(version: usize) -> String {
    format!("sha256:{}", format!("{:02x}", version + 1).repeat(32))
}

/// The SHAs of `main`'s commits (by index) and of each push (by pull request and push).
pub(crate) struct Shas {
    pub(crate) main: Vec<String>,
    pub(crate) pushes: BTreeMap<(usize, usize), String>,
}

/// Builds the repository unless the cache has it; returns its SHAs.
pub(crate) fn generate(root: &Path, schedule: &Schedule) -> Shas {
    let origin = root.join("origin.git");
    let marker = root.join("generation");
    if fs_err::read_to_string(&marker).ok().as_deref() != Some(GENERATION) {
        let started = Instant::now();
        if root.exists() {
            fs_err::remove_dir_all(root).unwrap();
        }
        fs_err::create_dir_all(root).unwrap();
        git(root, &["init", "-q", "--bare", "origin.git"]);
        write_history(&origin, schedule);
        git(&origin, &["repack", "-q", "-a", "-d", "-b"]);
        fs_err::write(&marker, GENERATION).unwrap();
        eprintln!(
            "generated the benchmark repository in {:.1}s",
            started.elapsed().as_secs_f64()
        );
    }
    let main: Vec<String> = git(&origin, &["rev-list", "--reverse", "main"])
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(main.len(), MAIN_COMMITS);
    let mut pushes = BTreeMap::new();
    for line in git(
        &origin,
        &[
            "for-each-ref",
            "--format=%(refname:short) %(objectname)",
            "refs/heads/pr/",
        ],
    )
    .lines()
    {
        let (name, sha) = line.split_once(' ').unwrap();
        let (pull, push) = name.trim_start_matches("pr/").split_once('/').unwrap();
        pushes.insert(
            (pull.parse().unwrap(), push.parse().unwrap()),
            sha.to_owned(),
        );
    }
    Shas { main, pushes }
}

/// Writes `main` (commit 0 holds every file) and each push on `pr/<n>/<push>`.
fn write_history(origin: &Path, schedule: &Schedule) {
    let mut import = FastImport::start(origin);
    let mut random = Random(0x1234_5678_9abc_def1);
    let package_file =
        |package: usize, file: usize, tree: &str| format!("{tree}/p{package:02}/f{file:02}.go");
    let date = |at: usize| EPOCH + 600 * at as u64;
    for at in 0..MAIN_COMMITS {
        import.commit("main", Some(at + 1), date(at), &format!("main commit {at}"));
        if at == 0 {
            import.file(DOCKERFILE, dockerfile_text(None).as_bytes());
            import.file(SCRIPT, script_text(None).as_bytes());
            import.file("go.mod", go_mod_text(0).as_bytes());
            for (path, size) in [("go.sum", 8_000), ("Makefile", 1_500), ("README.md", 3_000)] {
                import.file(path, &random.text(size));
            }
            import.file(
                "images/service/Dockerfile",
                b"FROM scratch\nCOPY bin/svc /svc\n",
            );
            for n in 0..10 {
                import.file(&format!("hack/lib-{n}.sh"), &random.text(1_200));
                import.file(&format!("cmd/svc{n}/main.go"), &random.text(2_000));
                import.file(&format!("docs/d{n}.md"), &random.text(2_500));
            }
            for package in 0..PACKAGES {
                for file in 0..FILES_PER_PACKAGE {
                    for tree in ["pkg", "vendor"] {
                        import.file(&package_file(package, file, tree), &random.source_file());
                    }
                }
            }
            continue;
        }
        // `main` touches only `vendor/`, `docs/` and `go.mod`; pull requests never do, so every
        // merge is clean.
        if schedule.go_mod_bumps.contains(&at) {
            import.file(
                "go.mod",
                go_mod_text(schedule.go_mod_version(at)).as_bytes(),
            );
        }
        for _ in 0..3 {
            let path = package_file(
                random.below(PACKAGES),
                random.below(FILES_PER_PACKAGE),
                "vendor",
            );
            import.file(&path, &random.source_file());
        }
        import.file(
            &format!("docs/d{}.md", random.below(10)),
            &random.text(2_500),
        );
    }
    let mut mark = MAIN_COMMITS + 1;
    for (number, pull) in schedule.pulls.iter().enumerate() {
        let mut previous = format!(":{}", pull.fork + 1);
        for (index, push) in pull.pushes.iter().enumerate() {
            mark += 1;
            import.commit(
                &format!("pr/{number}/{index}"),
                Some(mark),
                date(push.at) + 1,
                &format!("pr {number} push {index}"),
            );
            import.from(&previous);
            previous = format!(":{mark}");
            // A push writes the root inputs its pull request changes when they differ from the
            // previous push's.
            let previous_push = index.checked_sub(1).map(|i| &pull.pushes[i]);
            if push.dockerfile.is_some()
                && previous_push.is_none_or(|p| p.dockerfile != push.dockerfile)
            {
                import.file(DOCKERFILE, dockerfile_text(push.dockerfile).as_bytes());
            }
            if push.script.is_some() && previous_push.is_none_or(|p| p.script != push.script) {
                import.file(SCRIPT, script_text(push.script).as_bytes());
            }
            for _ in 0..2 {
                let path = package_file(
                    random.below(PACKAGES),
                    random.below(FILES_PER_PACKAGE),
                    "pkg",
                );
                import.file(&path, &random.source_file());
            }
            import.file(
                &format!("cmd/svc{}/main.go", random.below(10)),
                &random.text(2_000),
            );
        }
    }
    import.finish();
}
