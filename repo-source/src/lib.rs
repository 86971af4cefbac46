//! Reading files of a git repository at a revision.
//!
//! Not yet implemented.
