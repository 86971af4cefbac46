//! Pins a resolved imagestreamtag into `pipeline:root` by digest.
//!
//! Not yet implemented.
