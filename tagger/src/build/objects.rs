//! The objects a root build writes, built the same way for the real run and for `--dry-run`.

use std::collections::BTreeMap;

use kube::core::ObjectMeta;

use crate::build::claim::{CLAIM_ANNOTATION, Claim};
use crate::build::request::{BuildDockerfile, RootBuildRequest};
use crate::build_types::{
    BinaryBuildSource, BuildArg, BuildConfig, BuildOutput, BuildSource, BuildSpec, BuildStrategy,
    DockerBuildStrategy, ImageSource,
};
use crate::pin::{PIPELINE_STREAM, image_tag};
use crate::types::{ImageStream, ImageStreamTag as TagObject, ObjectReference};

/// The label on the BuildConfig: the key, so `oc get bc -l` finds root builds.
pub const ROOT_BUILD_KEY_LABEL: &str = "ci.openshift.io/root-build-key";

/// `<key>`: the tag in `pipeline` the build pushes to. Not `pipeline:root`: a push there would
/// replace whatever `pipeline:root` holds before the conflict check of the pin could refuse it.
pub(crate) fn output_tag(request: &RootBuildRequest) -> String {
    request.key.clone()
}

/// The BuildConfig `<key>` in the job namespace, carrying `claim`.
pub(crate) fn build_config(request: &RootBuildRequest, claim: &Claim) -> BuildConfig {
    let metadata = ObjectMeta {
        name: Some(request.key.clone()),
        namespace: Some(request.namespace.clone()),
        labels: Some(BTreeMap::from([(
            ROOT_BUILD_KEY_LABEL.to_owned(),
            request.key.clone(),
        )])),
        annotations: Some(BTreeMap::from([(
            CLAIM_ANNOTATION.to_owned(),
            claim.annotation(),
        )])),
        ..ObjectMeta::default()
    };
    let (dockerfile_path, dockerfile) = match &request.dockerfile {
        BuildDockerfile::Path(path) => (Some(path.clone()), None),
        BuildDockerfile::Literal(text) => (None, Some(text.clone())),
    };
    let images = request
        .image_inputs
        .iter()
        .map(|input| ImageSource {
            from: ObjectReference {
                kind: "ImageStreamTag".to_owned(),
                namespace: Some(input.from.namespace().to_owned()),
                name: format!("{}:{}", input.from.name(), input.from.tag()),
            },
            as_: input.as_.clone(),
        })
        .collect();
    let mut build_args: Vec<BuildArg> = request
        .build_args
        .iter()
        .map(|(name, value)| BuildArg {
            name: name.clone(),
            value: value.clone(),
        })
        .collect();
    build_args.sort_by(|a, b| a.name.cmp(&b.name));
    let spec = BuildSpec {
        source: BuildSource {
            type_: "Binary".to_owned(),
            binary: Some(BinaryBuildSource::default()),
            dockerfile,
            images,
        },
        strategy: BuildStrategy {
            type_: "Docker".to_owned(),
            docker_strategy: Some(DockerBuildStrategy {
                dockerfile_path,
                build_args,
            }),
        },
        output: BuildOutput {
            to: Some(ObjectReference {
                kind: "ImageStreamTag".to_owned(),
                namespace: None,
                name: format!("{PIPELINE_STREAM}:{}", output_tag(request)),
            }),
        },
    };
    BuildConfig::new(metadata, spec)
}

/// The cache stream `<cache ns>/<org>-<repo>-root`, as a root build creates it when missing.
pub(crate) fn cache_stream(request: &RootBuildRequest) -> ImageStream {
    ImageStream::new(request.cache.namespace(), request.cache.name(), false)
}

/// The source of the cache tag: the built image, by digest, in the job's `pipeline` stream.
pub(crate) fn built_image(request: &RootBuildRequest, digest: &str) -> ObjectReference {
    ObjectReference {
        kind: "ImageStreamImage".to_owned(),
        namespace: Some(request.namespace.clone()),
        name: format!("{PIPELINE_STREAM}@{digest}"),
    }
}

/// The cache tag `<cache ns>/<org>-<repo>-root:<key>` pointing at the built image by digest.
pub(crate) fn cache_tag(request: &RootBuildRequest, digest: &str) -> TagObject {
    image_tag(
        request.cache.namespace(),
        request.cache.name(),
        request.cache.tag(),
        built_image(request, digest),
    )
}
