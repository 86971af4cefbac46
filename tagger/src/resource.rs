//! The hand-written `kube::Resource` impls of the OpenShift types in [`crate::types`] and
//! [`crate::build_types`]: `#[derive(CustomResource)]` assumes a spec/status shape that
//! `ImageStreamTag` does not have, and the build types are not custom resources either.

/// Implements `kube::Resource` for a namespaced OpenShift type of API group `$group`, version
/// `v1`, whose `metadata` field is its `ObjectMeta`.
macro_rules! openshift_resource {
    ($type:ident, $group:literal, $kind:literal, $plural:literal) => {
        impl kube::Resource for $type {
            type DynamicType = ();
            type Scope = k8s_openapi::NamespaceResourceScope;

            fn kind(_: &()) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed($kind)
            }
            fn group(_: &()) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed($group)
            }
            fn version(_: &()) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed("v1")
            }
            fn plural(_: &()) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed($plural)
            }
            fn meta(&self) -> &kube::core::ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut kube::core::ObjectMeta {
                &mut self.metadata
            }
        }
    };
}

pub(crate) use openshift_resource;
