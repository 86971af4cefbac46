//! `cargo xtask bench build`: root builds from the pull request (`build_root.project_image`)
//! over a generated history of pull requests, against today's rule, in the same run.
//!
//! The repository (generated once, cached under the target directory) is Go-like: about 3 000
//! files (`pkg/`, `vendor/`, `cmd/`, `hack/`, `docs/`), 330 commits on `main`, and 220 pull
//! requests forked along it with one to four pushes each. The config builds the root from
//! `images/build-root/Dockerfile`, which copies `go.mod` and `hack/install-tools.sh` and is
//! `FROM` an imagestreamtag. Most pull requests touch `pkg/` and `cmd/` only; 4 % change the
//! root's Dockerfile and 4 % the copied script (later pushes revise the change half of the time);
//! `main` bumps `go.mod` 4 times; the base image's tag gets a new digest 3 times (in the fake
//! cluster: a base image bump is no repository change). Each push is tested once, and some
//! pushes again later (`/retest`), against `main`'s tip at that time, as Prow does.
//!
//! For every job, in time order, as `ci-operator run` does it: the merged revision is fetched
//! partially (`Snapshot::fetch_merged_for`) from `git http-backend` over local HTTP, the build
//! plan resolved at it (`resolver::root_build_plan`), the base's digest read and the key made
//! (`tagger::image_digests`), then `tagger::pin_from_cache` against the loopback OpenShift API;
//! a miss archives the inputs and builds (`tagger::build_and_pin`). The bench checks that keys
//! and the generator's model of what the build reads match one to one, and that each uploaded
//! archive holds exactly the job's versions of the three inputs.
//!
//! Figures (`BENCH {...}` lines), each against a baseline from the same run:
//! - builds started by us, against today's rule (one build per job namespace, that is per new
//!   base SHA and PR head: ci-tools builds `project_image` from the base branch in every new
//!   namespace), goal ≤ 10 %; and against the number of distinct keys, goal ≤ 1;
//! - bytes the git server sent per job for the root (fetch, plan and, on a miss, the archive's
//!   blobs), against today's: a shallow clone of the base branch per build (the git source of
//!   an OpenShift build), spread over the jobs;
//! - API requests per cache hit (the digest reads and the pin, largest of any hit), against the
//!   goal of 4 plus one per base image.
//!
//! Exits non-zero when a goal is missed.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark reports on stdout and stops on failure"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use config_model::{ImageStreamTag, ValidConfig};
use repo_source::{ErrorKind, FetchOptions, FetchSpec, PullRef, Snapshot};
use resolver::{FileError, RepoFiles, Repositories, RootBuildPlan, TreeEntry};
use tagger::{BuildDockerfile, CacheOutcome, Options, RootBuildRequest};
use testkit::git::http::GitHttpServer;
use testkit::git::{EPOCH, FastImport, git};
use testkit::openshift::FakeOpenShift;

const MAIN_COMMITS: usize = 330;
const PULL_REQUESTS: usize = 220;
/// Percent of pull requests that change the root's Dockerfile, and the copied script.
const DOCKERFILE_PERCENT: usize = 4;
const SCRIPT_PERCENT: usize = 4;
const GO_MOD_BUMPS: usize = 4;
const BASE_IMAGE_BUMPS: usize = 3;
const PACKAGES: usize = 60;
const FILES_PER_PACKAGE: usize = 25;
/// Bump when the generator changes, so the cached repository is rebuilt.
const GENERATION: &str = "v1";

const DOCKERFILE: &str = "images/build-root/Dockerfile";
const SCRIPT: &str = "hack/install-tools.sh";
const BASE: &str = "openshift/release:rhel-9-release-golang-1.22-openshift-4.17";
const CONFIG: &str = "zz_generated_metadata:
  org: example
  repo: go-service
  branch: main
build_root:
  project_image:
    dockerfile_path: images/build-root/Dockerfile
resources:
  '*':
    requests:
      cpu: 100m
tests:
- as: unit
  commands: make test
  container:
    from: src
";

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let schedule = Schedule::generate();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-build-bench");
    let shas = generate(&root, &schedule);
    let server = GitHttpServer::start(&root);
    let jobs = schedule.jobs();
    let started = Instant::now();
    let replay = Replay::new(&server, &schedule, &shas).run(&jobs);
    let seconds = started.elapsed().as_secs_f64();
    let shallow_clone = shallow_clone_bytes(&server);
    let outcome = report(&replay, shallow_clone);
    eprintln!(
        "build: {} jobs of {PULL_REQUESTS} pull requests replayed in {seconds:.1}s; {} hits, {} builds, {} distinct keys, {} job namespaces; a shallow clone of main is {shallow_clone} bytes",
        jobs.len(),
        replay.hit_requests.len(),
        replay.builds,
        replay.keys.len(),
        replay.namespaces.len(),
    );
    if let Err(missed) = outcome {
        eprintln!("build: goals missed:\n{}", missed.join("\n"));
        std::process::exit(1);
    }
}

/// Prints the figures; `Err` lists the goals missed.
fn report(replay: &Replay, shallow_clone: u64) -> Result<(), Vec<String>> {
    let jobs = replay.bytes.len() as f64;
    let ours = replay.builds as f64;
    let today = replay.namespaces.len() as f64;
    let keys = replay.keys.len() as f64;
    let bytes_per_job = replay.bytes.iter().sum::<u64>() as f64 / jobs;
    let today_bytes_per_job = shallow_clone as f64 * today / jobs;
    let max_hit = replay.hit_requests.iter().copied().max().unwrap_or(0) as f64;
    let hit_goal = 4.0 + replay.base_images as f64;
    figure(
        "builds started by us",
        ours,
        "builds",
        "today's rule: one per job namespace (base SHA, PR head)",
        today,
    );
    figure(
        "builds started by us",
        ours,
        "builds",
        "distinct keys",
        keys,
    );
    figure(
        &format!("bytes fetched per job for the root (mean of {jobs} jobs)"),
        bytes_per_job,
        "bytes",
        "today: a shallow clone of the base branch per job namespace, per job",
        today_bytes_per_job,
    );
    figure(
        &format!(
            "API requests per cache hit (most of {} hits)",
            replay.hit_requests.len()
        ),
        max_hit,
        "requests",
        "goal: 4 + 1 per base image",
        hit_goal,
    );
    let mut missed = Vec::new();
    if ours > 0.10 * today {
        missed.push(format!("{ours} builds > 10% of today's {today}"));
    }
    if ours > keys {
        missed.push(format!("{ours} builds > {keys} distinct keys"));
    }
    if max_hit > hit_goal || replay.hit_requests.is_empty() {
        missed.push(format!("{max_hit} requests for a hit > {hit_goal}"));
    }
    if missed.is_empty() {
        Ok(())
    } else {
        Err(missed)
    }
}

fn figure(name: &str, value: f64, unit: &str, baseline_name: &str, baseline_value: f64) {
    let line = serde_json::json!({
        "bench": "build",
        "name": name,
        "value": value,
        "unit": unit,
        "baseline_name": baseline_name,
        "baseline_value": baseline_value,
        "ratio": value / baseline_value,
    });
    println!("BENCH {line}");
}

/// Bytes the server sends for `git clone --depth=1 --branch main`, what an OpenShift build
/// with a git source at the base branch fetches.
fn shallow_clone_bytes(server: &GitHttpServer) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    server.reset_counters();
    let url = server.url("origin.git");
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--depth=1",
            "--branch",
            "main",
            "--no-checkout",
            &url,
            "clone",
        ],
    );
    server.bytes_sent()
}

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
type Change = Option<(usize, usize)>;

/// One push of a pull request: when, the root inputs it changes, and when it is tested.
struct Push {
    at: usize,
    dockerfile: Change,
    script: Change,
    tested_at: Vec<usize>,
}

/// A pull request: the `main` commit it forks from and its pushes.
struct PullRequest {
    fork: usize,
    pushes: Vec<Push>,
}

/// The history: pull requests, and when `go.mod` and the base image change.
struct Schedule {
    pulls: Vec<PullRequest>,
    go_mod_bumps: Vec<usize>,
    base_bumps: Vec<usize>,
}

/// One job: `main`'s tip at `at`, merged with push `push` of pull request `pull`.
#[derive(Clone, Copy)]
struct Job {
    at: usize,
    pull: usize,
    push: usize,
}

impl Schedule {
    fn generate() -> Schedule {
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
    fn jobs(&self) -> Vec<Job> {
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
    fn go_mod_version(&self, at: usize) -> usize {
        self.go_mod_bumps.iter().filter(|&&bump| bump <= at).count()
    }

    /// How many times the base image has moved by the time of commit `at`.
    fn base_version(&self, at: usize) -> usize {
        self.base_bumps.iter().filter(|&&bump| bump <= at).count()
    }
}

fn dockerfile_text(change: Change) -> String {
    let mut text = format!(
        "FROM registry.ci.openshift.org/{BASE}\nCOPY go.mod hack/install-tools.sh /src/\nRUN cd /src && ./install-tools.sh\n"
    );
    if let Some((pull, revision)) = change {
        text.push_str(&format!("ENV TOOLS_FLAVOUR=pr{pull}-r{revision}\n"));
    }
    text
}

fn script_text(change: Change) -> String {
    let mut text =
        "#!/bin/sh\nset -eu\ngo install golang.org/x/tools/cmd/goimports@v0.24.0\n".to_owned();
    if let Some((pull, revision)) = change {
        text.push_str(&format!(
            "go install example.com/tool{pull}@v0.{revision}.0\n"
        ));
    }
    text
}

fn go_mod_text(version: usize) -> String {
    format!(
        "module example.com/go-service\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.{version}\n\tk8s.io/client-go v0.30.{}\n)\n",
        version * 2
    )
}

fn digest(version: usize) -> String {
    format!("sha256:{}", format!("{:02x}", version + 1).repeat(32))
}

/// The SHAs of `main`'s commits (by index) and of each push (by pull request and push).
struct Shas {
    main: Vec<String>,
    pushes: BTreeMap<(usize, usize), String>,
}

/// Builds the repository unless the cache has it; returns its SHAs.
fn generate(root: &Path, schedule: &Schedule) -> Shas {
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

/// What the root build reads at a job, by the generator's model: the Dockerfile's and the
/// script's revisions, `go.mod`'s version and the base image's.
type Model = (Change, Change, usize, usize);

/// The replay's state and what it counted.
struct Replay<'a> {
    server: &'a GitHttpServer,
    schedule: &'a Schedule,
    shas: &'a Shas,
    config: ValidConfig,
    /// Bytes the git server sent for each job.
    bytes: Vec<u64>,
    /// API requests of each cache hit.
    hit_requests: Vec<usize>,
    /// Builds this replay started.
    builds: usize,
    /// Each key with the model it was made from.
    keys: BTreeMap<String, Model>,
    /// Today's job namespaces: (base SHA, PR head).
    namespaces: BTreeSet<(String, String)>,
    /// The most base images a plan had.
    base_images: usize,
}

impl<'a> Replay<'a> {
    fn new(server: &'a GitHttpServer, schedule: &'a Schedule, shas: &'a Shas) -> Replay<'a> {
        let config = config_model::validate_config(config_model::parse_config(CONFIG).unwrap())
            .unwrap_or_else(|diagnostics| panic!("the bench's config is invalid: {diagnostics:?}"));
        Replay {
            server,
            schedule,
            shas,
            config,
            bytes: Vec::new(),
            hit_requests: Vec::new(),
            builds: 0,
            keys: BTreeMap::new(),
            namespaces: BTreeSet::new(),
            base_images: 0,
        }
    }

    fn run(mut self, jobs: &[Job]) -> Replay<'a> {
        let fake = FakeOpenShift::start();
        fake.set_build_step(Duration::from_millis(1));
        let (namespace, name_tag) = BASE.split_once('/').unwrap();
        let (stream, tag) = name_tag.split_once(':').unwrap();
        let kubeconfig = tempfile::NamedTempFile::new().unwrap();
        fs_err::write(kubeconfig.path(), fake.kubeconfig_yaml()).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = runtime
            .block_on(tagger::client_from(Some(kubeconfig.path())))
            .unwrap();
        let scratch = tempfile::tempdir().unwrap();
        let mut base_version = None;
        for job in jobs {
            let version = self.schedule.base_version(job.at);
            if base_version != Some(version) {
                fake.seed_tag(namespace, stream, tag, &digest(version), &[]);
                base_version = Some(version);
            }
            self.job(*job, &fake, &runtime, &client, scratch.path());
        }
        self
    }

    /// One job: fetch and plan at the merged revision, key, then hit or build.
    fn job(
        &mut self,
        job: Job,
        fake: &FakeOpenShift,
        runtime: &tokio::runtime::Runtime,
        client: &kube::Client,
        scratch: &Path,
    ) {
        let base = &self.shas.main[job.at];
        let head = &self.shas.pushes[&(job.pull, job.push)];
        self.namespaces.insert((base.clone(), head.clone()));
        let spec = FetchSpec {
            url: self.server.url("origin.git"),
            base: base.clone(),
            pulls: vec![PullRef {
                number: job.pull as u64 + 1,
                sha: head.clone(),
            }],
        };
        let options = FetchOptions {
            deadline: Some(Instant::now() + Duration::from_secs(120)),
            progress: false,
            scratch_parent: Some(scratch.to_owned()),
        };
        self.server.reset_counters();
        // The paths `ci-operator run` names for this config.
        let snapshot =
            Snapshot::fetch_merged_for(&spec, &options, &[".ci-operator.yaml", DOCKERFILE])
                .unwrap();
        let files = SnapshotFiles(snapshot);
        let plan = resolver::root_build_plan(&self.config, None, &Repositories::new(&files))
            .unwrap()
            .expect("the config builds its root from a Dockerfile");
        let mut bases: Vec<ImageStreamTag> = plan
            .bases
            .iter()
            .filter_map(|b| b.image_stream_tag.clone())
            .collect();
        bases.sort();
        bases.dedup();
        self.base_images = self.base_images.max(bases.len());
        let options = Options::default();
        let namespace = format!("ci-op-{}-{}", &base[..8], &head[..8]);
        fake.clear_log();
        let (key, hit) = runtime.block_on(async {
            let digests = tagger::image_digests(client, &bases, &options)
                .await
                .unwrap();
            let key = plan.key(&digests).unwrap().to_string();
            let request = root_request(&plan, &namespace, &key);
            let hit = tagger::pin_from_cache(client, &request, &options)
                .await
                .unwrap();
            (key, hit)
        });
        let model = self.model(job);
        if let Some(previous) = self.keys.insert(key.clone(), model) {
            assert_eq!(previous, model, "one key for two different sets of inputs");
        }
        match hit {
            Some(done) => {
                assert_eq!(done.cache, CacheOutcome::Hit);
                self.hit_requests.push(fake.requests());
            }
            None => {
                let mut archive = Vec::new();
                plan.write_archive(&files, &mut archive).unwrap();
                let request = root_request(&plan, &namespace, &key);
                let done = runtime
                    .block_on(tagger::build_and_pin(client, &request, &archive, &options))
                    .unwrap();
                assert!(done.build_started, "no other run builds this key");
                self.builds += 1;
                check_upload(fake, model);
            }
        }
        self.bytes.push(self.server.bytes_sent());
    }

    fn model(&self, job: Job) -> Model {
        let push = &self.schedule.pulls[job.pull].pushes[job.push];
        (
            push.dockerfile,
            push.script,
            self.schedule.go_mod_version(job.at),
            self.schedule.base_version(job.at),
        )
    }
}

/// The last archive uploaded holds exactly the model's three inputs.
fn check_upload(fake: &FakeOpenShift, (dockerfile, script, go_mod, _): Model) {
    let upload = fake.uploads().pop().expect("a build uploads its archive");
    let files: BTreeMap<String, String> = upload
        .files()
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect();
    let expected: BTreeMap<String, String> = [
        (DOCKERFILE.to_owned(), dockerfile_text(dockerfile)),
        ("go.mod".to_owned(), go_mod_text(go_mod)),
        (SCRIPT.to_owned(), script_text(script)),
    ]
    .into();
    assert_eq!(files, expected, "the archive holds the job's inputs");
}

/// What the tagger needs to pin or build the root of `plan` under `key` (as `ci-operator run`
/// makes it; the cache stream is `<org>-<repo>-root`).
fn root_request(plan: &RootBuildPlan, namespace: &str, key: &str) -> RootBuildRequest {
    let dockerfile = match &plan.dockerfile {
        resolver::BuildDockerfile::Path(path) => BuildDockerfile::Path(path.clone()),
        resolver::BuildDockerfile::Literal(text) => BuildDockerfile::Literal(text.clone()),
    };
    RootBuildRequest {
        namespace: namespace.to_owned(),
        pipeline_tag: "root".to_owned(),
        key: key.to_owned(),
        cache: ImageStreamTag::new("build-cache", "example-go-service-root", key).unwrap(),
        dockerfile,
        build_args: plan.build_args.clone(),
        image_inputs: Vec::new(),
    }
}

/// The resolver's view of a snapshot (the CLI's adapter is private to it).
struct SnapshotFiles(Snapshot);

impl RepoFiles for SnapshotFiles {
    fn read(&self, path: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, FileError> {
        self.0
            .read(path, max_bytes)
            .map_err(|error| file_error(path, error))
    }

    fn revision(&self) -> String {
        self.0.revision().to_string()
    }

    fn entry(&self, path: &str) -> Result<Option<TreeEntry>, FileError> {
        self.0
            .entry(path)
            .map(|entry| entry.map(tree_entry))
            .map_err(|error| file_error(path, error))
    }

    fn list_dir(&self, path: &str) -> Result<Option<Vec<TreeEntry>>, FileError> {
        self.0
            .list_dir(path)
            .map(|entries| entries.map(|e| e.into_iter().map(tree_entry).collect()))
            .map_err(|error| file_error(path, error))
    }
}

fn file_error(path: &str, error: repo_source::Error) -> FileError {
    match error.kind() {
        ErrorKind::Refused => FileError::refused(path, error),
        ErrorKind::Input | ErrorKind::Unreadable => FileError::unreadable(path, error),
    }
}

fn tree_entry(entry: repo_source::TreeEntry) -> TreeEntry {
    use repo_source::EntryKind as Kind;
    TreeEntry {
        name: entry.name,
        kind: match entry.kind {
            Kind::File => resolver::EntryKind::File,
            Kind::Executable => resolver::EntryKind::Executable,
            Kind::Directory => resolver::EntryKind::Directory,
            Kind::Symlink => resolver::EntryKind::Symlink,
            Kind::Submodule => resolver::EntryKind::Submodule,
        },
        id: entry.id,
    }
}
