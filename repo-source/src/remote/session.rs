//! One connection to a remote, speaking git's protocol v2 below gix's porcelain: exact wants,
//! haves, a depth and an object filter per request, which `gix::Remote` does not expose.
//!
//! gix 0.90's fetch porcelain cannot send a partial-clone filter (`filter tree:0`), nor want a
//! tree or a blob by id, nor claim a commit as "had" without having it. Its lower layer can:
//! [`gix::protocol::fetch()`] takes our own [`Negotiate`] implementation, which writes the
//! request's arguments (wants, filter, haves), and hands the pack to a closure that writes it
//! into the scratch repository with gix-pack's bundle writer. The connection and the handshake
//! still come from `gix::Remote::connect` and [`gix::protocol::handshake()`], so transports,
//! credentials and proxies behave as in the porcelain.

use std::io::{BufRead, Read};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::protocol::fetch::{self, Arguments, Negotiate, negotiate};
use gix::protocol::transport::client::blocking_io::Transport;
use gix::remote::Direction;

use super::progress::Tasks;

/// An open connection after the handshake.
pub(crate) struct Session<'remote, 'repo> {
    connection: gix::remote::Connection<'remote, 'static, 'repo, Box<dyn Transport + Send>>,
    handshake: gix::protocol::Handshake,
}

/// What one `fetch` command asks for.
#[derive(Debug, Default)]
pub(crate) struct Request {
    /// Objects to send: commits, trees or blobs, by id.
    pub(crate) wants: Vec<ObjectId>,
    /// Commits the server may assume we have, with all their history: it sends nothing
    /// reachable from them. We claim them without having them, to get exactly the commits of one
    /// side of a merge.
    pub(crate) haves: Vec<ObjectId>,
    /// A partial-clone filter (`tree:0`: commits only; `tree:1`: commits and their root trees).
    /// Objects wanted by id are always sent, whatever the filter.
    pub(crate) filter: Option<&'static str>,
    /// Send only this many commits of each wanted commit's history.
    pub(crate) depth: Option<NonZeroU32>,
    /// Stop receiving when the pack's first object is a blob bigger than this: the pack entry's
    /// header gives the size before its content arrives.
    pub(crate) first_blob_limit: Option<u64>,
    /// Fail when an object needs more memory than this while the pack is indexed.
    pub(crate) alloc_limit: Option<usize>,
}

impl Request {
    /// Exactly the objects `ids`, by id (`filter tree:0` sends nothing they reach).
    pub(crate) fn objects(ids: Vec<ObjectId>) -> Request {
        Request {
            wants: ids,
            filter: Some("tree:0"),
            ..Request::default()
        }
    }
}

/// What one `fetch` command received.
#[derive(Debug, Default)]
pub(crate) struct Received {
    /// Objects in the pack.
    pub(crate) objects: u32,
    /// Bytes of the pack.
    pub(crate) bytes: u64,
    /// The pack's index, to list the objects received; `None` for an empty pack.
    pub(crate) index_path: Option<PathBuf>,
}

/// Why a `fetch` command failed.
pub(crate) enum Failure {
    /// The first object of the pack is a blob of this many bytes, over the request's limit.
    TooLarge(u64),
    /// Anything else, as gix reported it.
    Gix(gix::Error),
}

impl<'remote, 'repo> Session<'remote, 'repo> {
    /// Connects to `remote` and performs the handshake.
    pub(crate) fn connect(
        remote: &'remote gix::Remote<'repo>,
        progress: &Tasks,
    ) -> Result<Self, gix::Error> {
        let mut connection = remote.connect(Direction::Fetch)?;
        let mut authenticate = connection.configured_credentials_for_current_url();
        let handshake = gix::protocol::handshake(
            connection.transport_mut(),
            gix::protocol::transport::Service::UploadPack,
            &mut authenticate,
            Vec::new(),
            &mut progress.root(),
        )?;
        Ok(Session {
            connection,
            handshake,
        })
    }

    /// Whether the server speaks protocol v2 and its `fetch` command takes a `filter` and a
    /// depth: what the partial fetch needs.
    pub(crate) fn supports_partial(&self) -> bool {
        if self.handshake.server_protocol_version != gix::protocol::transport::Protocol::V2 {
            return false;
        }
        let Some(fetch) = self.handshake.capabilities.capability("fetch") else {
            return false;
        };
        fetch.supports("filter") == Some(true) && fetch.supports("shallow") == Some(true)
    }

    /// The ids the remote's refs `names` point to (peeled to what an annotated tag points at),
    /// `None` for a name the remote does not have. Full SHAs map to themselves.
    pub(crate) fn resolve(
        &mut self,
        names: &[String],
        progress: &Tasks,
    ) -> Result<Vec<Option<ObjectId>>, gix::Error> {
        let mut resolved: Vec<Option<ObjectId>> = names
            .iter()
            .map(|name| ObjectId::from_hex(name.as_bytes()).ok())
            .collect();
        let lookups: Vec<usize> = (0..names.len())
            .filter(|index| resolved[*index].is_none())
            .collect();
        if lookups.is_empty() {
            return Ok(resolved);
        }
        let mut refspecs = Vec::new();
        for index in &lookups {
            let spec = gix::refspec::parse(
                gix::bstr::BStr::new(names[*index].as_bytes()),
                gix::refspec::parse::Operation::Fetch,
            )
            .map_err(gix::Error::from_error)?;
            refspecs.push(spec.to_owned());
        }
        let user_agent = user_agent();
        let obtain = self.handshake.prepare_lsrefs_or_extract_refmap(
            user_agent,
            true,
            fetch::refmap::init::Context {
                fetch_refspecs: refspecs,
                extra_refspecs: Vec::new(),
            },
        )?;
        let trace = false;
        let map = obtain.fetch_blocking(progress.root(), self.connection.transport_mut(), trace)?;
        for mapping in &map.mappings {
            if let fetch::refmap::SpecIndex::ExplicitInRemote(spec) = mapping.spec_index
                && let Some(index) = lookups.get(spec)
                && resolved[*index].is_none()
            {
                resolved[*index] = mapping.remote.peeled_id().map(ToOwned::to_owned);
            }
        }
        Ok(resolved)
    }

    /// Sends one `fetch` command and writes the pack into `repo`'s object database.
    pub(crate) fn fetch(
        &mut self,
        repo: &gix::Repository,
        request: &Request,
        progress: &Tasks,
        interrupt: &AtomicBool,
    ) -> Result<Received, Failure> {
        // gix-protocol keeps the shallow boundary it is told about in a file; ours is computed
        // from the objects, so it gets a file of its own that lives for one request.
        let shallow_file = repo.path().join("repo-source-protocol-shallow");
        let _stale = std::fs::remove_file(&shallow_file);
        let shallow = match request.depth {
            Some(depth) => fetch::Shallow::DepthAtRemote(depth),
            None => fetch::Shallow::NoChange,
        };
        let mut negotiate = Exact { request };
        let mut received = Received::default();
        let mut oversized = None;
        let pack_dir = repo.objects.store_ref().path().join("pack");
        // A snapshot's reads fetch into its scratch repository; if someone removed that
        // directory meanwhile, the objects read so far are still mapped, and new ones need the
        // directory back.
        if let Err(err) = std::fs::create_dir_all(&pack_dir) {
            return Err(Failure::Gix(gix::Error::from_error(err)));
        }
        let write_options = gix::odb::pack::bundle::write::Options {
            alloc_limit_bytes: request.alloc_limit,
            ..Default::default()
        };
        let result = gix::protocol::fetch(
            &mut negotiate,
            |reader, progress, interrupt| -> gix::Result<bool> {
                let mut guarded = SizeGuard::new(reader, request.first_blob_limit);
                let outcome = gix::odb::pack::Bundle::write_to_directory(
                    &mut guarded,
                    Some(&pack_dir),
                    progress,
                    interrupt,
                    Some(repo.objects.clone()),
                    repo.object_hash(),
                    write_options,
                );
                oversized = guarded.oversized;
                let outcome = outcome?;
                received.objects = outcome.index.num_objects;
                received.bytes = outcome
                    .data_path
                    .as_ref()
                    .and_then(|path| std::fs::metadata(path).ok())
                    .map_or(0, |meta| meta.len());
                received.index_path = outcome.index_path.clone();
                if let Some(keep) = &outcome.keep_path {
                    let _kept = std::fs::remove_file(keep);
                }
                Ok(true)
            },
            progress.root(),
            interrupt,
            fetch::Context {
                handshake: &mut self.handshake,
                transport: self.connection.transport_mut(),
                user_agent: user_agent(),
                trace_packetlines: false,
            },
            fetch::Options {
                shallow_file: shallow_file.clone(),
                shallow: &shallow,
                tags: fetch::Tags::None,
                reject_shallow_remote: false,
            },
        );
        let _done = std::fs::remove_file(&shallow_file);
        if let Some(size) = oversized {
            return Err(Failure::TooLarge(size));
        }
        result.map_err(Failure::Gix)?;
        progress.record_pack(u64::from(received.objects), received.bytes);
        Ok(received)
    }
}

fn user_agent() -> gix::protocol::command::Feature {
    (
        "agent",
        Some(concat!("git/repo-source-", env!("CARGO_PKG_VERSION")).to_owned()),
    )
}

/// Sends exactly the request's wants and haves, in one round, with `done`.
struct Exact<'a> {
    request: &'a Request,
}

impl Negotiate for Exact<'_> {
    fn mark_complete_and_common_ref(&mut self) -> gix::Result<negotiate::Action> {
        Ok(negotiate::Action::MustNegotiate {
            remote_ref_target_known: Vec::new(),
        })
    }

    fn add_wants(&mut self, arguments: &mut Arguments, _known: &[bool]) -> bool {
        // The server's progress messages cost a few hundred bytes per request, more than most
        // of these packs; our own progress counts the pack instead.
        arguments.add_feature("no-progress");
        if let Some(filter) = self.request.filter {
            if !arguments.can_use_filter() {
                // The caller checked `supports_partial`; without a filter the server would
                // send whole histories, so send nothing.
                return false;
            }
            arguments.filter(filter);
        }
        for want in &self.request.wants {
            arguments.want(want);
        }
        !self.request.wants.is_empty()
    }

    fn one_round(
        &mut self,
        _state: &mut negotiate::one_round::State,
        arguments: &mut Arguments,
        _previous: Option<&fetch::Response>,
    ) -> gix::Result<(negotiate::Round, bool)> {
        for have in &self.request.haves {
            arguments.have(have);
        }
        Ok((
            negotiate::Round {
                haves_sent: self.request.haves.len(),
                in_vain: 0,
                haves_to_send: 0,
                previous_response_had_at_least_one_in_common: false,
            },
            true,
        ))
    }
}

/// Passes a pack through, and fails as soon as the header of its first entry shows a blob over
/// the limit: a pack entry starts with its type and its inflated size, so an oversized blob is
/// refused before its content is received (or inflated).
struct SizeGuard<'a> {
    inner: &'a mut dyn BufRead,
    limit: Option<u64>,
    /// The bytes consumed so far, until the first entry's header is complete.
    prefix: Vec<u8>,
    checked: bool,
    oversized: Option<u64>,
}

/// The 12-byte pack header, then at most 10 bytes of the first entry's header.
const PREFIX_MAX: usize = 12 + 10;

impl<'a> SizeGuard<'a> {
    fn new(inner: &'a mut dyn BufRead, limit: Option<u64>) -> Self {
        SizeGuard {
            inner,
            limit,
            prefix: Vec::new(),
            checked: limit.is_none(),
            oversized: None,
        }
    }

    /// Checks `prefix` followed by `more`; `Err` when the first entry is a blob over the limit.
    fn check(&mut self, more: &[u8]) -> std::io::Result<()> {
        if self.checked {
            return Ok(());
        }
        let mut view = self.prefix.clone();
        view.extend_from_slice(&more[..more.len().min(PREFIX_MAX.saturating_sub(view.len()))]);
        let Some(entry) = first_entry(&view) else {
            if more.is_empty() {
                self.checked = true;
            }
            return Ok(());
        };
        self.checked = true;
        if let (FirstEntry::Blob(size), Some(limit)) = (entry, self.limit)
            && size > limit
        {
            self.oversized = Some(size);
            return Err(std::io::Error::other(format!(
                "the blob sent is {size} bytes, over the limit of {limit} bytes"
            )));
        }
        Ok(())
    }
}

enum FirstEntry {
    Blob(u64),
    Other,
}

/// Parses the first entry header of a pack: `None` until enough bytes are there (or the pack is
/// empty or malformed, which gix reports).
fn first_entry(bytes: &[u8]) -> Option<FirstEntry> {
    if bytes.len() < 13 || &bytes[..4] != b"PACK" {
        return None;
    }
    let count = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if count == 0 {
        return Some(FirstEntry::Other);
    }
    let mut byte = bytes[12];
    let kind = (byte >> 4) & 0b111;
    let mut size = u64::from(byte & 0b1111);
    let mut shift = 4;
    let mut at = 13;
    while byte & 0x80 != 0 {
        byte = *bytes.get(at)?;
        if shift > 57 {
            return Some(FirstEntry::Other);
        }
        size |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        at += 1;
    }
    Some(if kind == 3 {
        FirstEntry::Blob(size)
    } else {
        FirstEntry::Other
    })
}

impl Read for SizeGuard<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for SizeGuard<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.oversized.is_some() {
            return Err(std::io::Error::other("the pack was refused"));
        }
        if !self.checked {
            let peeked = self.inner.fill_buf()?.to_vec();
            self.check(&peeked)?;
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if !self.checked
            && self.prefix.len() < PREFIX_MAX
            && let Ok(buffer) = self.inner.fill_buf()
        {
            let take = amount.min(buffer.len()).min(PREFIX_MAX - self.prefix.len());
            self.prefix.extend_from_slice(&buffer[..take]);
        }
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests;
