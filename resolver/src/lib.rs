//! Strategies that turn a config and the repository's files into build roots.
//!
//! Not yet implemented.
