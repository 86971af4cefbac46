//! The `image.openshift.io/v1` group: ImageStreams, ImageStreamTags and ImageStreamImages.
//!
//! `store` holds the streams and images and keeps their spec and status; `resolution` resolves a
//! spec tag's source into the status (now or after a delay); `objects` shapes the JSON the
//! apiserver returns; `streams` and `tags` answer requests; `api` is the group the router knows;
//! `seed` is what tests set up and inspect through [`FakeOpenShift`](super::FakeOpenShift).

pub(crate) mod api;
pub(crate) mod objects;
mod resolution;
mod seed;
pub(crate) mod store;
mod streams;
mod tags;

pub use objects::{IMAGE_GROUP, PUBLIC_REGISTRY, REGISTRY, SOURCE_REGISTRY};
