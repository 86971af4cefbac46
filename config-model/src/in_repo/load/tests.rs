//! Unit tests of the "did you mean" hints.

use super::{BUILD_ROOT_IMAGE_KEYS, TOP_KEYS, closest};

#[test]
fn close_keys_are_suggested() {
    assert_eq!(
        closest("build_root_imag", TOP_KEYS),
        Some("build_root_image")
    );
    assert_eq!(
        closest("buildRootImage", TOP_KEYS),
        Some("build_root_image")
    );
    assert_eq!(
        closest("build-root-image", TOP_KEYS),
        Some("build_root_image")
    );
    assert_eq!(closest("nmae", BUILD_ROOT_IMAGE_KEYS), Some("name"));
    assert_eq!(closest("tga", BUILD_ROOT_IMAGE_KEYS), Some("tag"));
    assert_eq!(
        closest("namespaces", BUILD_ROOT_IMAGE_KEYS),
        Some("namespace")
    );
    assert_eq!(
        closest("from_dockerfiles", BUILD_ROOT_IMAGE_KEYS),
        Some("from_dockerfile")
    );
}

#[test]
fn distant_keys_are_not() {
    assert_eq!(closest("tests", TOP_KEYS), None);
    assert_eq!(closest("project_image", TOP_KEYS), None);
    assert_eq!(closest("use_build_cache", BUILD_ROOT_IMAGE_KEYS), None);
    assert_eq!(closest("image", BUILD_ROOT_IMAGE_KEYS), None);
}
