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
//! - API requests per cache hit (the base digest reads and the pin; the mean, and the most of
//!   any hit), against the goal of 4 plus one per base image.
//!
//! Exits non-zero when a goal is missed.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark reports on stdout and stops on failure"
)]

mod files;
mod history;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use config_model::{ImageStreamTag, ValidConfig};
use repo_source::{FetchOptions, FetchSpec, PullRef, Snapshot};
use resolver::{Repositories, RootBuildPlan};
use tagger::{BuildDockerfile, CacheOutcome, Options, RootBuildRequest};
use testkit::git::git;
use testkit::git::http::GitHttpServer;
use testkit::openshift::FakeOpenShift;

use files::SnapshotFiles;
use history::{
    BASE, BASE_IMAGE_BUMPS, Change, DOCKERFILE, GO_MOD_BUMPS, Job, PULL_REQUESTS, Push, SCRIPT,
    Schedule, Shas, digest, dockerfile_text, go_mod_text, script_text,
};

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
    let shas = history::generate(&root, &schedule);
    let server = GitHttpServer::start(&root);
    let jobs = schedule.jobs();
    let started = Instant::now();
    let replay = Replay::new(&server, &schedule, &shas).run(&jobs);
    let seconds = started.elapsed().as_secs_f64();
    let shallow_clone = shallow_clone_bytes(&server);
    let outcome = report(&replay, shallow_clone);
    let changing = |input: fn(&Push) -> Change| {
        let pulls = schedule.pulls.iter();
        pulls
            .filter(|p| p.pushes.iter().any(|push| input(push).is_some()))
            .count()
    };
    eprintln!(
        "build: history: {} pushes; {} pull requests change the Dockerfile, {} the copied script; {GO_MOD_BUMPS} go.mod bumps on main, {BASE_IMAGE_BUMPS} base image bumps",
        schedule.pulls.iter().map(|p| p.pushes.len()).sum::<usize>(),
        changing(|push| push.dockerfile),
        changing(|push| push.script),
    );
    eprintln!(
        "build: {} jobs of {PULL_REQUESTS} pull requests replayed in {seconds:.1}s (fetch and plan {:.3}s per job); {} hits, {} builds, {} distinct keys, {} job namespaces; a shallow clone of main is {shallow_clone} bytes",
        jobs.len(),
        replay.planning.as_secs_f64() / jobs.len() as f64,
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
    let mean_hit =
        replay.hit_requests.iter().sum::<usize>() as f64 / replay.hit_requests.len() as f64;
    figure(
        &format!(
            "API requests per cache hit (mean of {} hits)",
            replay.hit_requests.len()
        ),
        mean_hit,
        "requests",
        "goal: 4 + 1 per base image",
        hit_goal,
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
    let models: BTreeSet<&Model> = replay.keys.values().collect();
    if models.len() != replay.keys.len() {
        missed.push(format!(
            "{} keys for {} different sets of inputs: the same inputs got different keys",
            replay.keys.len(),
            models.len()
        ));
    }
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
    /// Time spent fetching the merged revision and planning the build, all jobs.
    planning: Duration,
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
            planning: Duration::ZERO,
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
        let started = Instant::now();
        // The paths `ci-operator run` names for this config.
        let snapshot =
            Snapshot::fetch_merged_for(&spec, &options, &[".ci-operator.yaml", DOCKERFILE])
                .unwrap();
        let files = SnapshotFiles(snapshot);
        let plan = resolver::root_build_plan(&self.config, None, &Repositories::new(&files))
            .unwrap()
            .expect("the config builds its root from a Dockerfile");
        self.planning += started.elapsed();
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
